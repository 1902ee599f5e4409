/**
 * Calls bench: N concurrent AudioSocket calls with the echo provider, the
 * engine in this process, the fake Asterisk in a child process. Reports the
 * engine's CPU %, RSS per call, outbound frame lateness (send − deadline) and
 * engine-added delay (inbound frame → provider; provider audio → first frame
 * on the wire) and the inbound frames the media clock synthesized per call and
 * second (the fake caller, like a real leg, sends nothing while silent).
 * Env: CALLS_BENCH_N="1,50,200", CALLS_BENCH_SECONDS=8.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { openDatabase } from '../../engine/src/store/database.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { FrameScheduler } from '../../engine/src/media/pacer.js';
import { createCallServiceWith } from '../../engine/src/calls/call-service.js';
import { summarize, round, table, cpuMeter } from '../lib/stats.js';

export interface CallsBenchRow {
  calls: number;
  cpuPercent: number;
  rssPerCallMiB: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
  inboundDelayP50Ms: number;
  inboundDelayP99Ms: number;
  outboundDelayP50Ms: number;
  outboundDelayP99Ms: number;
  frames: number;
  /** Inbound frames the media clock synthesized (slots the PBX sent nothing for), per call per second. */
  inboundFillPerCallPerSec: number;
  /** Engine event-loop delay p99 (ms): how late any callback ran. */
  loopDelayP99Ms: number;
  /** 1-minute load average when the row was measured (other processes skew every figure). */
  load1: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A full GC before memory baselines (tsx runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function startFake(): Promise<{ child: ChildProcess; port: number; ask(m: object, reply: string): Promise<Record<string, unknown>> }> {
  const child = fork(join(import.meta.dirname, 'fake-host.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (m: object, reply: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const on = (msg: Record<string, unknown>) => {
        if (msg.type !== reply) return;
        child.off('message', on);
        resolve(msg);
      };
      child.on('message', on);
      child.send(m);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { type: string; port: number }) => resolve({ child, port: m.port, ask }));
  });
}

async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`calls bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function runCallsBench(opts: { counts?: number[]; seconds?: number } = {}): Promise<{ rows: CallsBenchRow[] }> {
  const counts = opts.counts ?? (process.env.CALLS_BENCH_N ?? '1,50,200').split(',').map(Number).filter((n) => n > 0);
  const seconds = opts.seconds ?? Number(process.env.CALLS_BENCH_SECONDS ?? 8);
  const fake = await startFake();
  const dir = mkdtempSync(join(tmpdir(), 'aava-calls-bench-'));
  const cfgFile = join(dir, 'ai-agent.yaml');
  writeFileSync(
    cfgFile,
    stringify({
      default_provider: 'echo',
      asterisk: { host: '127.0.0.1', port: fake.port, username: 'aiagent', password: 'aiagentpass' },
      audio_transport: 'audiosocket',
      audiosocket: { host: '127.0.0.1', advertise_host: '127.0.0.1', port: 0, format: 'slin' },
      providers: { echo: { type: 'echo', tone_ms: 300, end_silence_ms: 250 } },
      no_input: { timeout_s: 600, grace_s: 60 },
    }),
  );
  const config = new ConfigManager(cfgFile);
  const db = openDatabase(join(dir, 'aava.db'));
  let lateness: number[] = [];
  const scheduler = new FrameScheduler({ onLateness: (ms) => lateness.push(ms) });
  const ctx = { config, db, log: silentLogger(), metrics: createMetrics({ defaultMetrics: false }), bus: new EventBus(), secrets: new MemorySecretStore(), dataDir: dir };
  const service = createCallServiceWith(ctx, { scheduler, setupTimeoutMs: 20_000 });
  const fillFrames = async () => (await ctx.metrics.inboundFills.get()).values.reduce((a, v) => a + v.value, 0);
  await service.start();
  const rows: CallsBenchRow[] = [];
  try {
    await until(() => service.ari.connected, 'ARI', 10_000);
    for (const n of counts) {
      collectGarbage();
      await sleep(300);
      const rssBefore = process.memoryUsage().rss;
      await fake.ask({ type: 'inject', n, seconds: seconds + 3 }, 'injected');
      await until(() => service.controller.active.filter((s) => s.conversation).length === n, `${n} calls up`, 30_000);
      await sleep(1000);
      for (const s of service.controller.active) {
        s.conversation!.inboundDelays.length = 0;
        s.conversation!.tracker.outboundDelays.length = 0;
      }
      lateness = [];
      const fillsBefore = await fillFrames();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const cpu = cpuMeter();
      let rssMax = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < seconds * 1000) {
        await sleep(250);
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
      const cpuPercent = cpu();
      const fillsPerCallPerSec = ((await fillFrames()) - fillsBefore) / n / ((Date.now() - t0) / 1000);
      loop.disable();
      const inbound = service.controller.active.flatMap((s) => s.conversation?.inboundDelays ?? []);
      const outbound = service.controller.active.flatMap((s) => s.conversation?.tracker.outboundDelays ?? []);
      const late = summarize(lateness);
      const inS = summarize(inbound);
      const outS = summarize(outbound);
      rows.push({
        calls: n,
        cpuPercent: round(cpuPercent, 1),
        rssPerCallMiB: round((rssMax - rssBefore) / n / 2 ** 20, 3),
        latenessP50Ms: round(late.p50),
        latenessP99Ms: round(late.p99),
        latenessMaxMs: round(late.max),
        inboundDelayP50Ms: round(inS.p50, 3),
        inboundDelayP99Ms: round(inS.p99, 3),
        outboundDelayP50Ms: round(outS.p50),
        outboundDelayP99Ms: round(outS.p99),
        frames: late.n,
        inboundFillPerCallPerSec: round(fillsPerCallPerSec, 1),
        loopDelayP99Ms: round(loop.percentile(99) / 1e6),
        load1: round(loadavg()[0] ?? 0, 1),
      });
      await fake.ask({ type: 'hangupAll' }, 'done');
      await until(() => service.controller.active.length === 0, 'calls ended', 30_000);
    }
  } finally {
    await service.stop(Date.now() + 5000);
    scheduler.stop();
    fake.child.send({ type: 'stop' });
    config.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Calls (AudioSocket, echo provider, ${seconds} s per row; engine process only; lateness = frame send − deadline)`);
  console.log(table(rows.map((r) => ({ ...r }))));
  const busy = rows.some((r) => r.load1 > cpus().length);
  if (busy) console.log(`note: the load average exceeded the ${cpus().length} cores during the run; lateness and delays include waiting for a CPU.`);
  const out = join(import.meta.dirname, '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'calls-latest.json'), JSON.stringify({ at: new Date().toISOString(), seconds, cores: cpus().length, rows }, null, 2));
  return { rows };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await runCallsBench();
  process.exit(0);
}
