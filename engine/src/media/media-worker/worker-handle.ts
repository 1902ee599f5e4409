/**
 * One media worker as the engine's thread sees it: starts it, routes its
 * records to the remote legs, sends theirs once per event-loop turn, and
 * closes every leg it held as an error if the worker dies.
 */
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../observability/logger.js';
import type { AudioFormat } from '../audio-format.js';
import type { FrameScheduler } from '../pacer.js';
import type { MediaLeg } from '../transport.js';
import { LegShare } from './leg-share.js';
import { readRecords, RecordWriter, type RecordHandler } from './records.js';
import type { FromWorker, MediaWorkerData, ToWorker, WorkerStats } from './protocol.js';
import { RemoteLeg } from './remote-leg.js';
import { spawnMediaWorker } from './spawn.js';

export interface WorkerHandleOptions {
  data: Omit<MediaWorkerData, 'entry' | 'tsx' | 'byteCounters'>;
  wireFormat: AudioFormat;
  /** The engine's media clock (the remote legs' inbound clocks run on it). */
  scheduler(): FrameScheduler;
  log: Logger;
  onFill(): void;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  /** The connection for a leg came; `claim` returns whom to hand the leg to, or undefined if it was cancelled. */
  claim(uuid: string): ((leg: MediaLeg) => void) | undefined;
  /** The worker died (not stopped): its legs are closed already. */
  onExit(handle: WorkerHandle, why: string): void;
}

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' } as const;

export class WorkerHandle {
  private worker: Worker | undefined;
  private readonly legs = new Map<number, RemoteLeg>();
  /** Legs expected (allocated, not connected): leg number → UUID and shared state. */
  private readonly expected = new Map<number, { uuid: string; callId: string; share: LegShare }>();
  private nextLeg = 1;
  private writer = new RecordWriter();
  private sendQueued = false;
  private readonly byteCounters = new Float64Array(new SharedArrayBuffer(16));
  private readonly bytesSeen = { rx: 0, tx: 0 };
  private statsWaiters = new Map<number, (s: WorkerStats) => void>();
  private profileWaiters = new Map<number, (error?: string) => void>();
  private nextStats = 1;
  private stopping = false;
  private listening = false;
  private stopped: (() => void) | undefined;
  port = 0;
  /** The worker thread's scheduling priority, once it listens. */
  nice = 0;
  realtime = false;
  /** Why the thread runs below the priority asked for (undefined when it got it). */
  priorityError: string | undefined;
  /** With sampleLateness: each inbound frame's hop from the worker's read to this thread (ms), for stats. */
  private hops: number[] | undefined;

  constructor(private readonly o: WorkerHandleOptions) {
    if (o.data.sampleLateness) this.hops = [];
  }

  get index(): number {
    return this.o.data.index;
  }

  /** Started, listening and not stopping: it may take calls. */
  get alive(): boolean {
    return this.listening && !this.stopping;
  }

  /** Calls on this worker, connected or on their way. */
  load(): number {
    return this.legs.size + this.expected.size;
  }

  counts(): { legs: number; pending: number } {
    return { legs: this.legs.size, pending: this.expected.size };
  }

  /** Starts the worker; resolves with its bound port. */
  start(): Promise<number> {
    this.stopping = false;
    // A restart binds the port the first run got (with port 0 in the config, too): the PBX may hold that address.
    const port = this.port || this.o.data.port;
    const w = spawnMediaWorker({ ...this.o.data, port, byteCounters: this.byteCounters.buffer as SharedArrayBuffer });
    this.worker = w;
    return new Promise<number>((resolve, reject) => {
      const fail = (err: Error): void => reject(new Error(`audiosocket: ${err.message} (media worker ${this.index})`));
      w.once('error', fail);
      w.on('message', (m: FromWorker) => {
        if (m.type === 'listening') {
          w.off('error', fail);
          w.on('error', (err) => this.o.log.error({ err: err.message, worker: this.index }, 'AudioSocket media worker failed'));
          this.port = m.port;
          this.listening = true;
          this.nice = m.nice;
          this.realtime = m.realtime;
          this.priorityError = m.priorityError;
          if (m.priorityError) this.o.log.info({ worker: this.index, asked: { nice: this.o.data.nice, realtime: this.o.data.realtime }, got: { nice: m.nice, realtime: m.realtime }, why: m.priorityError }, 'AudioSocket media worker runs below the priority asked for (a raise needs root or CAP_SYS_NICE)');
          resolve(m.port);
        } else if (m.type === 'listen-failed') fail(new Error(m.reason));
        else this.onMessage(m);
      });
      w.once('exit', (code) => this.onWorkerExit(w, code));
    });
  }

  /** A leg was allocated on this worker: its connection, when it comes, names `uuid`. */
  expect(uuid: string, callId: string): number {
    const leg = this.nextLeg++;
    const share = LegShare.create(this.o.wireFormat.sampleRate === 16000 ? 640 : 320);
    this.expected.set(leg, { uuid, callId, share });
    this.post({ type: 'expect', uuid, leg, callId, share: share.sab });
    return leg;
  }

  forget(leg: number): void {
    const e = this.expected.get(leg);
    if (!e) return;
    this.expected.delete(leg);
    this.post({ type: 'forget', uuid: e.uuid });
  }

  stats(): Promise<WorkerStats> {
    const id = this.nextStats++;
    return new Promise((resolve) => {
      this.statsWaiters.set(id, resolve);
      this.post({ type: 'stats', id });
    });
  }

  /** Diagnostics: starts a CPU profile of the worker's thread, or (with `file`) stops it and writes it there. */
  profile(file?: string): Promise<void> {
    const id = this.nextStats++;
    return new Promise((resolve, reject) => {
      this.profileWaiters.set(id, (error) => (error ? reject(new Error(error)) : resolve()));
      this.post({ type: 'profile', id, ...(file ? { file } : {}) });
    });
  }

  /** Ends the worker at once, as a crash would (failure drills): its legs close as errors and onExit follows. */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Closes every leg and ends the worker. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.stopping = true;
    await Promise.all([...this.legs.values()].map((l) => l.close()));
    await new Promise<void>((resolve) => {
      this.stopped = resolve;
      this.post({ type: 'stop' });
      setTimeout(() => void w.terminate().then(() => resolve()), 2000).unref();
    });
  }

  /** Records for the worker, sent at the end of this event-loop turn. */
  private readonly out = (): RecordWriter => {
    if (!this.sendQueued) {
      this.sendQueued = true;
      setImmediate(this.sendRecords);
    }
    return this.writer;
  };

  private readonly sendRecords = (): void => {
    this.sendQueued = false;
    if (this.writer.empty || !this.worker) return;
    const buf = this.writer.take();
    this.worker.postMessage({ type: 'records', buf } satisfies ToWorker, [buf]);
  };

  private post(m: ToWorker): void {
    this.sendRecords();
    this.worker?.postMessage(m);
  }

  private readonly fromWorker: RecordHandler = {
    audio: (leg, at, payload) => {
      this.hops?.push(this.o.scheduler().now() - (at - performance.timeOrigin));
      this.legs.get(leg)?.arrived(payload);
    },
    dtmf: (leg, digit) => this.legs.get(leg)?.dtmf(digit),
    firstOut: (leg, gen, at) => this.legs.get(leg)?.firstOut(gen, at),
    drained: (leg, gen) => this.legs.get(leg)?.drained(gen),
  };

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'records':
        readRecords(m.buf, this.fromWorker);
        this.reportBytes();
        return;
      case 'connected':
        return this.connected(m.leg);
      case 'closed': {
        const leg = this.legs.get(m.leg);
        this.legs.delete(m.leg);
        leg?.workerClosed(m.reason, m.error ? new Error(m.error) : undefined);
        return;
      }
      case 'log':
        return this.relayLog(m.line);
      case 'stats': {
        const { type: _t, id, ...stats } = m;
        stats.hopMs = this.hops ?? [];
        if (this.hops) this.hops = [];
        this.statsWaiters.get(id)?.(stats);
        this.statsWaiters.delete(id);
        return;
      }
      case 'profiled':
        this.profileWaiters.get(m.id)?.(m.error);
        this.profileWaiters.delete(m.id);
        return;
      case 'stopped':
        this.stopped?.();
        return;
      case 'listening':
      case 'listen-failed':
        return;
    }
  }

  private connected(legNo: number): void {
    const e = this.expected.get(legNo);
    this.expected.delete(legNo);
    const hand = e ? this.o.claim(e.uuid) : undefined;
    if (!e || !hand) {
      // Cancelled while the connection was on its way: hang it up.
      this.out().close(legNo);
      return;
    }
    const leg = new RemoteLeg({ leg: legNo, callId: e.callId, wireFormat: this.o.wireFormat, share: e.share, scheduler: this.o.scheduler(), out: this.out, onFill: this.o.onFill });
    this.legs.set(legNo, leg);
    hand(leg);
  }

  private reportBytes(): void {
    const onBytes = this.o.onBytes;
    if (!onBytes) return;
    const rx = this.byteCounters[0]!;
    const tx = this.byteCounters[1]!;
    if (rx > this.bytesSeen.rx) onBytes('rx', rx - this.bytesSeen.rx);
    if (tx > this.bytesSeen.tx) onBytes('tx', tx - this.bytesSeen.tx);
    this.bytesSeen.rx = rx;
    this.bytesSeen.tx = tx;
  }

  private relayLog(line: string): void {
    try {
      const { level, msg, time: _time, pid: _pid, hostname: _host, ...fields } = JSON.parse(line) as Record<string, unknown>;
      const name = LEVELS[level as keyof typeof LEVELS] ?? 'info';
      this.o.log[name](fields, String(msg ?? ''));
    } catch {
      this.o.log.warn({ worker: this.index }, 'unreadable log line from an AudioSocket media worker');
    }
  }

  private onWorkerExit(w: Worker, code: number): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.listening = false;
    const expectedExit = this.stopping;
    for (const leg of this.legs.values()) leg.workerClosed('error', new Error(`AudioSocket media worker ${this.index} exited (code ${code})`));
    this.legs.clear();
    this.expected.clear();
    this.writer = new RecordWriter();
    for (const resolve of this.statsWaiters.values()) resolve({ legs: 0, sockets: 0, pending: 0, timers: 0, wakeups: 0, loopP99Ms: 0, lateness: [], hopMs: [], priority: '' });
    this.statsWaiters.clear();
    this.stopped?.();
    if (!expectedExit) this.o.onExit(this, `exited with code ${code}`);
  }
}
