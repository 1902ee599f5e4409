/**
 * Calls bench: N concurrent calls with the echo provider, per media transport
 * (AudioSocket and WebSocket by default), the engine in this process, the fake
 * Asterisk in a child process. Reports the engine's CPU %, RSS per call,
 * outbound frame lateness (send − deadline; AudioSocket only: WebSocket legs
 * are not paced frame by frame), engine-added delay (inbound frame → provider;
 * provider audio → first frame out, for WebSocket the moment the caller began
 * to hear it), and flush → silence at the caller (the engine flushes on
 * barge-in; the caller's last agent frame ends), and the inbound frames the
 * media clock synthesized per call and second (the fake caller, like a real
 * leg, sends nothing while silent), plus the fake PBX process's own CPU and
 * event-loop delay (it shares the cores). CALLS_BENCH_PROF=<dir> writes CPU
 * profiles of both over the measured window. Env: CALLS_BENCH_N="1,200,500,1000",
 * CALLS_BENCH_SECONDS=8, CALLS_BENCH_TRANSPORTS="audiosocket,websocket".
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { openDatabase, type Db } from '../../engine/src/store/database.js';
import { startWalCheckpointer } from '../../engine/src/store/wal-checkpointer.js';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { FrameScheduler } from '../../engine/src/media/pacer.js';
import { createCallServiceWith } from '../../engine/src/calls/call-service.js';
import { summarize, round, table, cpuMeter } from '../lib/stats.js';
import { startAllocationSampling, startProfile } from '../lib/profiler.js';
import type { TransportKind } from '../../engine/src/api/calls.js';
import type { CallService } from '../../engine/src/calls/call-service.js';
import type { CallSession } from '../../engine/src/calls/call-session.js';
import type { WebSocketTransport } from '../../engine/src/media/websocket/websocket-transport.js';
import type { WorkerAudioSocketTransport } from '../../engine/src/media/media-worker/worker-audiosocket-transport.js';
import type { WorkerStats } from '../../engine/src/media/media-worker/protocol.js';
import { epochNow, flushToSilenceMs, heardDelayMs } from './caller-side.js';
import { startFake, fakeCpuMeter, type FakeHost } from './fake-process.js';
import { goalColumns, sideBySide, type CallsBenchRow } from './report.js';

export type { CallsBenchRow } from './report.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CALLS_BENCH_MEDIA_WORKERS: the AudioSocket media worker counts to measure (`audiosocket.media_workers`), e.g.
 * "0,2" (default): every AudioSocket row once with the sockets on the engine's thread and once in two workers.
 * The workers ask for realtime scheduling (`media_worker_realtime`) unless CALLS_BENCH_MEDIA_REALTIME=0, and
 * for nice CALLS_BENCH_MEDIA_NICE (default -10); the `prio` column shows what they got.
 */
const mediaWorkerCounts = (): number[] => (process.env.CALLS_BENCH_MEDIA_WORKERS ?? '0,2').split(',').map(Number);

/** The AudioSocket transport's media workers, if it has any: their lateness samples and loop delay since the last call. */
async function workerStats(service: CallService): Promise<WorkerStats[]> {
  const t = service.transports().get('audiosocket') as Partial<WorkerAudioSocketTransport> | undefined;
  return t?.workerStats ? t.workerStats() : [];
}

/** A full GC before memory baselines (tsx runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`calls bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

const push = (m: Map<string, number[]>, k: string, v: number): void => {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
};

/**
 * Records, per call (epoch ms), when the engine flushed its leg and dropped audio doing so, and when it began
 * to enqueue a burst on an idle leg (for provider audio → heard at the caller).
 */
function watchLegs(service: CallService, kind: TransportKind, engine: Engine): void {
  const t = service.transports().get(kind)!;
  const allocate = t.allocate.bind(t);
  t.allocate = async (callId) => {
    const pending = await allocate(callId);
    pending.connected.then(
      (leg) => {
        const flush = leg.flush.bind(leg);
        leg.flush = () => {
          const at = epochNow();
          const dropped = flush();
          if (dropped > 0) push(engine.flushes, callId, at);
          return dropped;
        };
        const enqueue = leg.enqueue.bind(leg);
        leg.enqueue = (audio) => {
          if (leg.queuedMs() === 0) push(engine.bursts, callId, epochNow());
          enqueue(audio);
        };
      },
      () => undefined,
    );
    return pending;
  };
}

const push1 = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

/** A log line's message and error, without what differs per call. */
function problemOf(line: string): string {
  try {
    const o = JSON.parse(line) as { msg?: string; err?: string | { message?: string } };
    const err = typeof o.err === 'string' ? o.err : o.err?.message;
    return `${o.msg ?? '?'}${err ? `: ${err}` : ''}`.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').replace(/\d{3,}/g, 'N');
  } catch {
    return line.slice(0, 120);
  }
}

interface Engine {
  service: CallService;
  scheduler: FrameScheduler;
  lateness: number[];
  /** How long each write-behind transaction held the event loop (ms). */
  storeFlushes: number[];
  flushes: Map<string, number[]>;
  bursts: Map<string, number[]>;
  /** Synthesized inbound frames so far (ai_agent_inbound_fill_frames_total). */
  fillFrames(): Promise<number>;
  /** The engine's warnings and errors so far, by message (why calls did not come up), then cleared. */
  takeProblems(): Map<string, number>;
  close(): Promise<void>;
}

/** Times every transaction run on `db` (the write-behind flushes): how long each held the event loop. */
function timeTransactions(db: Db, record: (ms: number) => void): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const tx = transaction(fn);
    return (...args: unknown[]) => {
      const t = performance.now();
      try {
        return tx(...args);
      } finally {
        record(performance.now() - t);
      }
    };
  }) as typeof db.transaction;
}

async function startEngine(kind: TransportKind, fakePort: number, mediaWorkers: number): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'aava-calls-bench-'));
  const cfgFile = join(dir, 'ai-agent.yaml');
  writeFileSync(
    cfgFile,
    stringify({
      default_provider: 'echo',
      asterisk: { host: '127.0.0.1', port: fakePort, username: 'aiagent', password: 'aiagentpass' },
      audio_transport: kind,
      audiosocket: { host: '127.0.0.1', advertise_host: '127.0.0.1', port: 0, format: 'slin', media_workers: mediaWorkers, media_worker_nice: Number(process.env.CALLS_BENCH_MEDIA_NICE ?? -10),
        media_worker_realtime: process.env.CALLS_BENCH_MEDIA_REALTIME !== '0',
      },
      websocket: { format: 'slin' },
      providers: { echo: { type: 'echo', tone_ms: 300, end_silence_ms: 250 } },
      no_input: { timeout_s: 600, grace_s: 60 },
    }),
  );
  const config = new ConfigManager(cfgFile);
  const db = openDatabase(join(dir, 'aava.db'));
  const metrics = createMetrics({ defaultMetrics: false });
  const fillFrames = async () => (await metrics.inboundFills.get()).values.reduce((a, v) => a + v.value, 0);
  timeTransactions(db, (ms) => engine.storeFlushes.push(ms));
  // As the engine does (engine.ts): WAL checkpoints in a worker thread, not in a commit on this thread.
  const checkpointer = startWalCheckpointer(db);
  const engine: Engine = { service: undefined as unknown as CallService, scheduler: undefined as unknown as FrameScheduler, lateness: [], storeFlushes: [], flushes: new Map(), bursts: new Map(), fillFrames, takeProblems: () => new Map(), close: async () => undefined };
  const scheduler = new FrameScheduler({ onLateness: (ms) => engine.lateness.push(ms) });
  engine.scheduler = scheduler;
  const problems = new Map<string, number>();
  const log = createLogger({ level: 'warn', destination: { write: () => true } as unknown as NodeJS.WritableStream, tap: (line) => push1(problems, problemOf(line)) });
  engine.takeProblems = () => {
    const p = new Map(problems);
    problems.clear();
    return p;
  };
  const ctx = { config, db, log, metrics, bus: new EventBus(), secrets: new MemorySecretStore(), dataDir: dir };
  const service = createCallServiceWith(ctx, { scheduler, setupTimeoutMs: 20_000, sampleMediaLateness: true });
  await service.start();
  engine.service = service;
  watchLegs(service, kind, engine);
  engine.close = async () => {
    await service.stop(Date.now() + 5000);
    scheduler.stop();
    config.close();
    await checkpointer?.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  await until(() => service.ari.connected, 'ARI', 10_000);
  return engine;
}

async function measureRow(kind: TransportKind, n: number, seconds: number, engine: Engine, fake: FakeHost): Promise<CallsBenchRow> {
  const { service } = engine;
  collectGarbage();
  await sleep(300);
  const rssBefore = process.memoryUsage().rss;
  engine.takeProblems();
  // Calls come up in waves (CALLS_BENCH_RAMP per wave, default 100): a PBX does not offer 1,000 calls in the same instant.
  const wave = Number(process.env.CALLS_BENCH_RAMP ?? 100);
  const up = () => service.controller.active.filter((s) => s.conversation).length;
  for (let from = 0; from < n; from += wave) {
    const k = Math.min(wave, n - from);
    const target = up() + k;
    await fake.ask({ type: 'inject', n: k, from }, 'injected');
    // The 1,000-call row is reported whatever it shows: calls that do not come up are counted, not fatal.
    await until(() => up() >= target, `${target} ${kind} calls up`, 60_000).catch((err: Error) => {
      console.log(`calls bench: ${err.message} (${up()} up, ${service.controller.active.length} in progress); measuring what came up`);
    });
  }
  await sleep(1000);
  const callsUp = up();
  if (callsUp < n) {
    const problems = [...engine.takeProblems()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`calls bench: ${n - callsUp} of ${n} calls did not come up; the engine logged:`);
    for (const [msg, count] of problems) console.log(`  ${String(count).padStart(5)} × ${msg}`);
  }
  for (const s of service.controller.active) {
    if (!s.conversation) continue;
    s.conversation.inboundDelays.clear();
    s.conversation.tracker.outboundDelays.length = 0;
  }
  const wsLegs = () => {
    const t = kind === 'websocket' ? (service.transports().get('websocket') as WebSocketTransport | undefined) : undefined;
    return t ? service.controller.active.flatMap((s) => t.legStats(s.id) ?? []) : [];
  };
  for (const l of wsLegs()) l.firstSentDelayMs.length = 0;
  engine.lateness = [];
  engine.storeFlushes = [];
  const workerWakeupsBefore = (await workerStats(service)).reduce((a, w) => a + w.wakeups, 0); // and resets their samples
  const gcPauses: number[] = [];
  let majorGcs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcPauses.push(e.duration);
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const wakeupsBefore = engine.scheduler.wakeups;
  engine.flushes.clear();
  engine.bursts.clear();
  const fillsBefore = await engine.fillFrames();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // CALLS_BENCH_PROF=<dir>: CPU profiles of the engine and the fake over the measured window only.
  const profDir = process.env.CALLS_BENCH_PROF;
  const stopProfile = profDir ? await startProfile() : undefined;
  // CALLS_BENCH_ALLOC=1: where the engine's garbage comes from (sampled allocations over the window);
  // CALLS_BENCH_ALLOC=survivors: only what outlived minor GCs (promoted to the old generation).
  const stopAlloc = process.env.CALLS_BENCH_ALLOC ? await startAllocationSampling(4096, process.env.CALLS_BENCH_ALLOC === 'survivors') : undefined;
  if (profDir) await fake.ask({ type: 'profile' }, 'profiled');
  const workersTransport = service.transports().get('audiosocket') as Partial<WorkerAudioSocketTransport> | undefined;
  if (profDir) await workersTransport?.profileWorkers?.();
  const cpu = cpuMeter();
  const fakeCpu = await fakeCpuMeter(fake);
  let rssMax = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(1000);
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
  }
  const cpuPercent = cpu();
  const fakeRow = await fakeCpu();
  if (stopAlloc) {
    const top = await stopAlloc();
    const total = top.reduce((a, r) => a + r.bytes, 0);
    console.log(`allocations over the row (${n} calls): ${(total / 2 ** 20 / seconds).toFixed(1)} MiB/s`);
    for (const r of top.slice(0, 20)) console.log(`${((r.bytes / total) * 100).toFixed(1).padStart(5)} %  ${r.fn}`);
  }
  if (profDir) {
    await stopProfile!(join(profDir, `engine-${kind}-${n}.cpuprofile`));
    await fake.ask({ type: 'profile', file: join(profDir, `fake-${kind}-${n}.cpuprofile`) }, 'profiled');
    await workersTransport?.profileWorkers?.((i) => join(profDir, `worker${i}-${kind}-${n}.cpuprofile`));
  }
  gc.disconnect();
  const workers = await workerStats(service);
  for (const w of workers) for (const ms of w.lateness) engine.lateness.push(ms);
  const workerWakeups = workers.reduce((a, w) => a + w.wakeups, 0) - workerWakeupsBefore;
  // The engine's clock and (with media workers) theirs.
  const wakeupsPerSec = (engine.scheduler.wakeups - wakeupsBefore + workerWakeups) / ((Date.now() - t0) / 1000);
  const fillsPerCallPerSec = ((await engine.fillFrames()) - fillsBefore) / n / ((Date.now() - t0) / 1000);
  loop.disable();
  const inbound = service.controller.active.flatMap((s) => s.conversation?.inboundDelays.values() ?? []);
  const outbound = service.controller.active.flatMap((s) => s.conversation?.tracker.outboundDelays ?? []);
  const sent = kind === 'websocket' ? wsLegs().flatMap((l) => l.firstSentDelayMs) : outbound;
  await sleep(300); // the last flushes' frames reach the callers
  const { loud } = (await fake.ask({ type: 'timelines' }, 'timelines')) as { loud: Record<string, number[]> };
  const loudOf = (s: CallSession) => loud[s.caller.caller?.number ?? ''] ?? [];
  const f2s = service.controller.active.flatMap((s) => flushToSilenceMs(engine.flushes.get(s.id) ?? [], loudOf(s)));
  const heard = service.controller.active.flatMap((s) => heardDelayMs(engine.bursts.get(s.id) ?? [], loudOf(s)));
  const late = summarize(engine.lateness);
  const inS = summarize(inbound);
  const outS = summarize(outbound);
  const sentS = summarize(sent);
  const heardS = summarize(heard);
  const fS = summarize(f2s);
  const storeS = summarize(engine.storeFlushes);
  const gcS = summarize(gcPauses);
  const row: CallsBenchRow = {
    transport: kind,
    calls: n,
    callsUp,
    cpuPercent: round(cpuPercent, 1),
    cpuMsPerCallSec: round((cpuPercent * 10) / callsUp, 3),
    rssPerCallMiB: round((rssMax - rssBefore) / callsUp / 2 ** 20, 3),
    latenessP50Ms: round(late.p50),
    latenessP99Ms: round(late.p99),
    latenessMaxMs: round(late.max),
    inboundDelayP50Ms: round(inS.p50, 3),
    inboundDelayP99Ms: round(inS.p99, 3),
    outboundDelayP50Ms: round(outS.p50),
    outboundDelayP99Ms: round(outS.p99),
    outboundSentP50Ms: round(sentS.p50),
    outboundSentP99Ms: round(sentS.p99),
    callerHeardP50Ms: round(heardS.p50),
    callerHeardP99Ms: round(heardS.p99),
    flushToSilenceP50Ms: round(fS.p50, 1),
    flushToSilenceP99Ms: round(fS.p99, 1),
    flushes: fS.n,
    frames: late.n,
    inboundFillPerCallPerSec: round(fillsPerCallPerSec, 1),
    loopDelayP99Ms: round(loop.percentile(99) / 1e6),
    mediaWorkers: workers.length,
    workerPriority: [...new Set(workers.map((w) => w.priority))].join(', '),
    workerLoopP99Ms: workers.map((w) => round(w.loopP99Ms)).join(' / '),
    workerHopP99Ms: workers.length ? round(summarize(workers.flatMap((w) => w.hopMs)).p99, 3) : 0,
    fakeCpuPercent: round(fakeRow.cpuPercent, 1),
    fakeLoopP99Ms: round(fakeRow.loopP99Ms),
    fakeUsPerFrame: round(fakeRow.usPerFrame),
    storeFlushP99Ms: round(storeS.p99),
    storeFlushes: storeS.n,
    storeFlushMaxMs: round(storeS.max),
    gcPauseMaxMs: round(gcS.max),
    gcPausesPerSec: round(gcS.n / seconds, 1),
    majorGcs,
    wakeupsPerSec: round(wakeupsPerSec),
    load1: round(loadavg()[0] ?? 0, 1),
  };
  await fake.ask({ type: 'hangupAll' }, 'done');
  await until(() => service.controller.active.length === 0, 'calls ended', 30_000);
  return row;
}

export async function runCallsBench(opts: { counts?: number[]; seconds?: number; transports?: TransportKind[] } = {}): Promise<{ rows: CallsBenchRow[] }> {
  const counts = opts.counts ?? (process.env.CALLS_BENCH_N ?? '1,200,500,1000').split(',').map(Number).filter((n) => n > 0);
  const seconds = opts.seconds ?? Number(process.env.CALLS_BENCH_SECONDS ?? 8);
  const kinds = opts.transports ?? ((process.env.CALLS_BENCH_TRANSPORTS ?? 'audiosocket,websocket').split(',') as TransportKind[]);
  const fake = await startFake();
  const rows: CallsBenchRow[] = [];
  try {
    const setups: Array<[TransportKind, number]> = kinds.flatMap((kind): Array<[TransportKind, number]> => (kind === 'audiosocket' ? mediaWorkerCounts().map((w) => [kind, w]) : [[kind, 0]]));
    for (const [kind, workers] of setups) {
      const engine = await startEngine(kind, fake.port, workers);
      try {
        for (const n of counts) {
          const row = await measureRow(kind, n, seconds, engine, fake);
          rows.push(row);
          console.log(JSON.stringify(row));
        }
      } finally {
        await engine.close();
      }
    }
  } finally {
    fake.child.send({ type: 'stop' });
  }
  console.log(`Calls (echo provider, ${seconds} s per row; engine process only; lateness = frame send − deadline, AudioSocket only)`);
  console.log(table(rows.map((r) => ({ ...r }))));
  console.log('The issue-15 columns (engine = this process; fake = the fake PBX process; ms):');
  console.log(table(rows.map(goalColumns)));
  console.log(
    "Transports side by side (ms; flush→silence at the fake caller, inbound = arrival → provider, out sent = provider audio → first frame to the socket, out mark = → the caller began to hear it by the engine's mark estimate (firstAudioMs), caller heard = → the fake caller's first loud frame):",
  );
  console.log(table(sideBySide(rows, kinds)));
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
