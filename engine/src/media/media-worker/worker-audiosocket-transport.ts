/**
 * The AudioSocket transport with its sockets in media worker threads
 * (`audiosocket.media_workers` ≥ 1): each worker listens on its own port
 * (`port`, `port + 1`, …; any free ports when `port` is 0) and paces the
 * agent audio of the legs that connect to it, so the per-frame socket writes
 * and reads — most of a busy engine's thread — run beside it. The engine's
 * thread keeps everything else: ARI, each call's conversation, inbound clocks
 * and voice activity, the store. A leg is allocated on the worker with the
 * fewest calls, by putting that worker's port in the leg's address.
 */
import { randomUUID } from 'node:crypto';
import type { TransportHealth } from '../../api/health.js';
import { SLIN16, SLIN8 } from '../audio-format.js';
import type { AudioSocketTransport, AudioSocketTransportOptions } from '../audiosocket/audiosocket-transport.js';
import { FillTally } from '../paced-leg.js';
import { FrameScheduler } from '../pacer.js';
import { PendingLegs } from '../pending-legs.js';
import type { PendingLeg } from '../transport.js';
import type { WorkerStats } from './protocol.js';
import { describePriority } from './thread-priority.js';
import { WorkerHandle } from './worker-handle.js';

export interface WorkerAudioSocketTransportOptions extends AudioSocketTransportOptions {
  /** Media worker threads (≥ 1). */
  workers: number;
  /** Keep each frame's lateness in the workers for workerStats() (the bench). */
  sampleLateness?: boolean;
  /** The workers' thread priority (nice; default 0). Negative: ahead of the engine's thread and other processes. */
  nice?: number;
  /** SCHED_RR for the workers' threads (default false; needs root or CAP_SYS_NICE). */
  realtime?: boolean;
}

/** What health says when a worker runs below the configured priority, and how to get it. */
function priorityWarning(w: WorkerHandle, opts: WorkerAudioSocketTransportOptions): string {
  return `media workers asked for ${describePriority(opts)} but run at ${describePriority(w)} (${w.priorityError}): pacing may fall behind when the cores are busy`;
}

export interface WorkerAudioSocketTransport extends AudioSocketTransport {
  /** Every worker's bound port (after start()). */
  readonly ports: readonly number[];
  /** Each worker's counters since the last call (lateness samples, loop delay p99, wake-ups). */
  workerStats(): Promise<WorkerStats[]>;
  /** Diagnostics: starts CPU profiles of every worker's thread, or (with `fileOf`) stops them and writes each. */
  profileWorkers(fileOf?: (index: number) => string): Promise<void>;
  /** Ends worker `index` at once, as a crash would (failure drills, tests): its calls end, it is started again. */
  terminateWorker(index: number): Promise<void>;
}

/** A dead worker is started again after this long (ms); its port takes no calls meanwhile. */
const RESTART_MS = 500;

export function createWorkerAudioSocketTransport(opts: WorkerAudioSocketTransportOptions): WorkerAudioSocketTransport {
  const log = opts.log.child({ transport: 'audiosocket' });
  const wireFormat = opts.format === 'slin16' ? SLIN16 : SLIN8;
  const ownScheduler = !opts.scheduler;
  let scheduler = opts.scheduler ?? new FrameScheduler();
  const fills = new FillTally(opts.onInboundFills);
  const pending = new PendingLegs<{ handle: WorkerHandle; leg: number }>({
    describe: (e) => `audiosocket leg for call ${e.callId}`,
    connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
    timeoutReason: (ms) => `Asterisk did not connect within ${ms} ms`,
    onCancel: (e) => e.data.handle.forget(e.data.leg),
  });
  let handles: WorkerHandle[] = [];
  let running = false;
  let schedulerStopped = false;
  let reason: string | undefined;
  const restarts = new Set<NodeJS.Timeout>();

  function makeHandle(index: number): WorkerHandle {
    return new WorkerHandle({
      data: {
        index,
        host: opts.host,
        port: opts.port === 0 ? 0 : opts.port + index,
        format: opts.format,
        underrun: opts.underrun,
        prebufferMs: opts.prebufferMs,
        uuidTimeoutMs: opts.uuidTimeoutMs ?? 5000,
        sampleLateness: opts.sampleLateness ?? false,
        nice: opts.nice ?? 0,
        realtime: opts.realtime ?? false,
      },
      wireFormat,
      scheduler: () => scheduler,
      log,
      onFill: fills.add,
      onBytes: opts.onBytes,
      claim: (uuid) => {
        const e = pending.claim(uuid);
        return e ? (leg) => e.resolve(leg) : undefined;
      },
      onExit: (h, why) => {
        log.error({ worker: h.index, why }, 'AudioSocket media worker died; its calls ended, restarting it');
        if (!running) return;
        const t = setTimeout(() => {
          restarts.delete(t);
          if (running) h.start().catch((err: Error) => log.error({ err: err.message }, 'AudioSocket media worker did not restart'));
        }, RESTART_MS);
        restarts.add(t);
      },
    });
  }

  /** `port` or, with several workers, `port,port+1,…` (the configured port until started). */
  const ports = (): string => (handles.length ? handles.map((h) => h.port).join(',') : String(opts.port));
  const bind = (): string => `${opts.host}:${ports()}`;
  const advertise = (): string => `${opts.advertiseHost}:${ports()}`;

  return {
    kind: 'audiosocket',
    get port() {
      return handles[0]?.port ?? opts.port;
    },
    get ports() {
      return handles.map((h) => h.port);
    },

    async start() {
      if (running) return;
      if (ownScheduler && schedulerStopped) {
        scheduler = new FrameScheduler();
        schedulerStopped = false;
      }
      const starting = Array.from({ length: Math.max(1, opts.workers) }, (_, i) => makeHandle(i));
      try {
        await Promise.all(starting.map((h) => h.start()));
      } catch (err) {
        reason = (err as Error).message.replace(/^audiosocket: /, '').replace(/ \(media worker \d+\)$/, '');
        await Promise.all(starting.map((h) => h.stop()));
        throw err;
      }
      handles = starting;
      fills.attach(scheduler);
      running = true;
      reason = undefined;
      log.info({ bind: bind(), advertise: advertise(), format: opts.format, workers: handles.length, priority: handles.map(describePriority) }, 'AudioSocket listening (media workers)');
    },

    async stop() {
      running = false;
      for (const t of restarts) clearTimeout(t);
      restarts.clear();
      pending.cancelAll('transport stopped');
      await Promise.all(handles.map((h) => h.stop()));
      fills.detach();
      if (ownScheduler) {
        scheduler.stop();
        schedulerStopped = true;
      }
    },

    health(): TransportHealth {
      const listening = running && handles.every((h) => h.alive);
      const h: TransportHealth = { listening, bind: bind(), advertise: advertise() };
      if (reason) h.reason = reason;
      else if (!running) h.reason = 'not started';
      else if (!listening) h.reason = 'a media worker is restarting';
      const short = handles.find((w) => w.alive && w.priorityError);
      if (listening && short) h.warning = priorityWarning(short, opts);
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      const live = handles.filter((h) => h.alive);
      if (!running || live.length === 0) throw new Error('audiosocket: allocate() before start() (or after stop(), or with every media worker down)');
      const handle = live.reduce((a, b) => (b.load() < a.load() ? b : a));
      const uuid = randomUUID();
      const leg = handle.expect(uuid, callId);
      const entry = pending.add(uuid, callId, { handle, leg });
      const external = `${opts.advertiseHost}:${handle.port}`;
      return pending.pendingLeg(entry, {
        externalMedia: { external_host: external, encapsulation: 'audiosocket', transport: 'tcp', format: opts.format, data: uuid },
        originateEndpoint: `AudioSocket/${external}/${uuid}/c(${opts.format})`,
      });
    },

    stats() {
      const legs = handles.reduce((a, h) => a + h.counts().legs, 0);
      return { legs, pending: pending.size, sockets: legs, ports: 0 };
    },

    activeTimers() {
      return (scheduler.timerPending ? 1 : 0) + pending.timers() + restarts.size;
    },

    workerStats: () => Promise.all(handles.map((h) => h.stats())),

    profileWorkers: async (fileOf) => {
      await Promise.all(handles.map((h) => h.profile(fileOf?.(h.index))));
    },

    terminateWorker: async (index) => {
      await handles[index]?.terminate();
    },
  };
}
