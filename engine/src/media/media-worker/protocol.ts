/**
 * The cold half of the protocol between the engine's thread and a media
 * worker: structured messages for what happens once per call or less (the hot
 * half, audio and per-burst events, is binary: records.ts). Both halves go
 * through the same port, so they stay in order: a sender posts its pending
 * records before any structured message.
 */
import type { MediaLegEvents } from '../transport.js';

/** What a media worker is started with (workerData). */
export interface MediaWorkerData {
  /** Module URL of worker-main (.ts under tsx, .js compiled). */
  entry: string;
  /** URL of tsx's ESM register API, when the entry is TypeScript. */
  tsx?: string;
  index: number;
  host: string;
  port: number;
  format: 'slin' | 'slin16';
  underrun: 'silence' | 'nothing';
  prebufferMs: number;
  uuidTimeoutMs: number;
  /** Keep each frame's lateness for `stats` (the bench). */
  sampleLateness: boolean;
  /** The thread's scheduling priority to ask for (nice, -20…19; 0 = as the process). */
  nice: number;
  /** Ask for SCHED_RR (thread-priority.ts) as well. */
  realtime: boolean;
  /** Float64 [rx, tx]: bytes the worker read and wrote on its sockets so far. */
  byteCounters: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'records'; buf: ArrayBuffer }
  /** A leg was allocated: the connection naming `uuid` becomes leg number `leg`. */
  | { type: 'expect'; uuid: string; leg: number; callId: string; share: SharedArrayBuffer }
  /** The pending leg was cancelled: refuse its UUID from now on. */
  | { type: 'forget'; uuid: string }
  | { type: 'stats'; id: number }
  /** Diagnostics: start a CPU profile of the worker's thread, or (with `file`) stop it and write it there. */
  | { type: 'profile'; id: number; file?: string }
  | { type: 'stop' };

export interface WorkerStats {
  legs: number;
  sockets: number;
  pending: number;
  timers: number;
  /** Shared-clock wake-ups so far. */
  wakeups: number;
  /** Event-loop delay p99 (ms) since the last stats. */
  loopP99Ms: number;
  /** Each frame's lateness (ms) since the last stats, when sampling. */
  lateness: number[];
  /** Each inbound frame's hop from the worker's read to the engine's thread (ms), when sampling (filled on that side). */
  hopMs: number[];
  /** The thread's scheduling priority: "realtime" or "nice N". */
  priority: string;
}

export type FromWorker =
  | { type: 'records'; buf: ArrayBuffer }
  /** The thread's scheduling priority now; `priorityError`: why the configured one could not be had. */
  | { type: 'listening'; port: number; nice: number; realtime: boolean; priorityError?: string }
  | { type: 'listen-failed'; reason: string }
  | { type: 'connected'; leg: number }
  | { type: 'closed'; leg: number; reason: MediaLegEvents['closed']['reason']; error?: string }
  /** One pino JSON line the worker logged; the engine's thread logs it through its own logger. */
  | { type: 'log'; line: string }
  | ({ type: 'stats'; id: number } & WorkerStats)
  | { type: 'profiled'; id: number; error?: string }
  | { type: 'stopped' };
