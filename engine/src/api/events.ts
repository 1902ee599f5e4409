import type { CallLevel, CallSummary, TranscriptLine, TurnLatency, ToolCallRecord } from './calls.js';
import type { HealthReport } from './health.js';
import type { SyncSummary, RecordingSummary } from './recordings.js';
import type { CheckResult } from './doctor.js';

export interface SyncProgress {
  phase: 'listing' | 'downloading' | 'analyzing' | 'done' | 'failed';
  found: number;
  downloaded: number;
  failed: number;
  bytes: number;
  current?: string;
  reason?: string;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  time: number;
  component?: string;
}

/** Everything the engine pushes to clients. Keep each variant small: it crosses IPC and WebSocket. */
export type ApiEvent =
  | { type: 'call.started'; call: CallSummary }
  | { type: 'call.updated'; call: CallSummary }
  | { type: 'call.ended'; call: CallSummary }
  | { type: 'call.transcript'; line: TranscriptLine }
  | { type: 'call.turn'; latency: TurnLatency }
  | { type: 'call.tool'; tool: ToolCallRecord }
  /** Levels of every live call in one event, at most 5 per second (not per call: it must scale to hundreds of calls). */
  | { type: 'calls.levels'; at: number; levels: CallLevel[] }
  | { type: 'health.changed'; health: HealthReport }
  | { type: 'config.reloaded'; at: string; path: string }
  | { type: 'config.error'; at: string; message: string }
  | { type: 'sync.progress'; progress: SyncProgress }
  | { type: 'sync.finished'; summary: SyncSummary }
  | { type: 'recording.updated'; recording: RecordingSummary }
  | { type: 'doctor.check'; check: CheckResult }
  | { type: 'log'; line: LogLine };

export type ApiEventType = ApiEvent['type'];
