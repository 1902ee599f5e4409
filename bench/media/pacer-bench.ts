/** Outbound pacer lateness with N AudioSocket legs over real loopback TCP (each peer parses what it gets). */
import { connect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createAudioSocketTransport } from '../../engine/src/media/audiosocket/audiosocket-transport.js';
import { AudioSocketParser, encodeUuid } from '../../engine/src/media/audiosocket/framing.js';
import { FrameScheduler } from '../../engine/src/media/pacer.js';
import { sine } from '../../engine/src/media/signal.js';
import { cpuMeter, round, summarize } from '../lib/stats.js';

export interface PacerBenchRow {
  legs: number;
  seconds: number;
  frames: number;
  lateP50Ms: number;
  lateP99Ms: number;
  lateMaxMs: number;
  framesPerLegPerSec: number;
  cpuPct: number;
  /** 1-minute load average at the end (other processes compete for the 2 cores). */
  loadAvg1m: number;
  /** RSS growth per leg (both ends in this process: transport leg + peer socket), KiB. */
  rssPerLegKiB: number;
}

export async function benchPacer(legs: number, seconds: number): Promise<PacerBenchRow> {
  const lateness: number[] = [];
  const scheduler = new FrameScheduler({ onLateness: (ms) => lateness.push(ms) });
  const t = createAudioSocketTransport({
    host: '127.0.0.1',
    advertiseHost: '127.0.0.1',
    port: 0,
    format: 'slin',
    underrun: 'silence',
    prebufferMs: 40,
    log: createLogger({ level: 'silent' }),
    scheduler,
  });
  await t.start();
  const rssBefore = process.memoryUsage().rss;
  const clients: Socket[] = [];
  const second = sine({ freqHz: 440, sampleRate: 8000, ms: 1000 });
  try {
    const legsReady = await Promise.all(
      Array.from({ length: legs }, async (_, i) => {
        const p = await t.allocate(`bench-${i}`);
        const s = connect({ host: '127.0.0.1', port: t.port, noDelay: true });
        clients.push(s);
        const parser = new AudioSocketParser({ requireUuidFirst: false });
        s.on('data', (c: Buffer) => parser.push(c, () => undefined));
        s.on('error', () => undefined);
        await new Promise<void>((r) => s.once('connect', () => r()));
        s.write(encodeUuid(p.externalMedia.data!));
        return p.connected;
      }),
    );
    const rssPerLegKiB = (process.memoryUsage().rss - rssBefore) / legs / 1024;
    lateness.length = 0;
    const cpu = cpuMeter();
    const t0 = performance.now();
    // Keep ~1 s queued per leg (the provider produces faster than real time).
    const feed = setInterval(() => {
      for (const leg of legsReady) if (leg.queuedMs() < 600) leg.enqueue(second);
    }, 200);
    for (const leg of legsReady) leg.enqueue(second);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(feed);
    const wall = (performance.now() - t0) / 1000;
    const cpuPct = cpu();
    const s = summarize(lateness);
    return {
      legs,
      seconds: round(wall, 1),
      frames: lateness.length,
      lateP50Ms: round(s.p50, 2),
      lateP99Ms: round(s.p99, 2),
      lateMaxMs: round(s.max, 2),
      framesPerLegPerSec: round(lateness.length / legs / wall, 1),
      cpuPct: round(cpuPct, 1),
      loadAvg1m: round(loadavg()[0] ?? 0, 2),
      rssPerLegKiB: round(rssPerLegKiB, 1),
    };
  } finally {
    for (const c of clients) c.destroy();
    await t.stop();
    scheduler.stop();
  }
}
