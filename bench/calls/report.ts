/** The calls bench's row, and how it prints rows (pure): the goal's columns, the transports side by side. */
import type { TransportKind } from '../../engine/src/api/calls.js';

export interface CallsBenchRow {
  transport: TransportKind;
  calls: number;
  /** Calls that came up (had a conversation) when the row was measured; the per-call figures divide by it. */
  callsUp: number;
  cpuPercent: number;
  /** Engine CPU per call: ms of CPU per second of call (cpu% × 10 / calls). */
  cpuMsPerCallSec: number;
  rssPerCallMiB: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
  inboundDelayP50Ms: number;
  inboundDelayP99Ms: number;
  /** Provider audio → the turn's firstFrameOut: AudioSocket the first frame on the wire, WebSocket when the caller began to hear it (mark). */
  outboundDelayP50Ms: number;
  outboundDelayP99Ms: number;
  /** Provider audio → the first frame of its burst handed to the socket (the engine's share; AudioSocket: same as above). */
  outboundSentP50Ms: number;
  outboundSentP99Ms: number;
  /** First audio of a burst enqueued on the leg → the fake caller got its first loud frame (epoch clocks of both processes). */
  callerHeardP50Ms: number;
  callerHeardP99Ms: number;
  /** Engine flush (barge-in) → end of the last agent frame the caller got. */
  flushToSilenceP50Ms: number;
  flushToSilenceP99Ms: number;
  flushes: number;
  frames: number;
  /** Inbound frames the media clock synthesized (slots the PBX sent nothing for), per call per second. */
  inboundFillPerCallPerSec: number;
  /** Engine event-loop delay p99 (ms): how late any callback ran. */
  loopDelayP99Ms: number;
  /** AudioSocket media worker threads (0: the sockets are on the engine's thread). */
  mediaWorkers: number;
  /** The media workers' thread priority ("realtime" or "nice N"), '' without workers. */
  workerPriority: string;
  /** Each media worker's event-loop delay p99 (ms), '' without workers. */
  workerLoopP99Ms: string;
  /** Inbound frames: the worker's read → the engine's thread got it, p99 (ms; 0 without workers). `in p99` starts after it. */
  workerHopP99Ms: number;
  /** The fake PBX's CPU % over the row (it shares the cores) and its event-loop delay p99. */
  fakeCpuPercent: number;
  fakeLoopP99Ms: number;
  /** The fake's CPU µs per media frame it handled (received from the engine + sent to it). */
  fakeUsPerFrame: number;
  /** Write-behind transactions (SQLite, on the event loop): p99 and max duration (ms). */
  storeFlushP99Ms: number;
  storeFlushMaxMs: number;
  storeFlushes: number;
  /** Garbage-collection pauses of the engine's thread: longest (ms) and how many per second. */
  gcPauseMaxMs: number;
  gcPausesPerSec: number;
  /** Of those, full (mark-compact) collections over the row. */
  majorGcs: number;
  /** Wake-ups of the shared media clock's timer per second (one per 5 ms grid point in use). */
  wakeupsPerSec: number;
  /** 1-minute load average when the row was measured (other processes skew every figure). */
  load1: number;
}

/** The columns the 500-call goal is judged by, one row per measured row. */
export function goalColumns(r: CallsBenchRow): Record<string, string | number> {
  return {
    transport: r.transport,
    workers: r.mediaWorkers,
    prio: r.workerPriority,
    calls: r.callsUp === r.calls ? r.calls : `${r.callsUp} of ${r.calls}`,
    'cpu%': r.cpuPercent,
    'cpu ms/call-s': r.cpuMsPerCallSec,
    'MiB/call': r.rssPerCallMiB,
    'late p50/p99/max': `${r.latenessP50Ms}/${r.latenessP99Ms}/${r.latenessMaxMs}`,
    'out p99': r.outboundDelayP99Ms,
    'in p99': r.inboundDelayP99Ms,
    'hop p99': r.workerHopP99Ms,
    'loop p99 main': r.loopDelayP99Ms,
    'loop p99 workers': r.workerLoopP99Ms,
    'store flush p99/max (n)': `${r.storeFlushP99Ms}/${r.storeFlushMaxMs} (${r.storeFlushes})`,
    'gc max (n/s, major)': `${r.gcPauseMaxMs} (${r.gcPausesPerSec}/s, ${r.majorGcs})`,
    'wakeups/s': r.wakeupsPerSec,
    'fake cpu%': r.fakeCpuPercent,
    'fake µs/frame': r.fakeUsPerFrame,
    'fake loop p99': r.fakeLoopP99Ms,
    load1: r.load1,
  };
}

/** The transports side by side: one row per call count, one column set per transport. */
export function sideBySide(rows: CallsBenchRow[], kinds: TransportKind[]): Record<string, string | number>[] {
  const counts = [...new Set(rows.map((r) => r.calls))];
  return counts.map((calls) => {
    const out: Record<string, string | number> = { calls };
    for (const k of kinds) {
      const r = rows.find((x) => x.transport === k && x.calls === calls);
      const tag = k === 'audiosocket' ? 'as' : k === 'websocket' ? 'ws' : 'rtp';
      out[`${tag} cpu%`] = r?.cpuPercent ?? '';
      out[`${tag} MiB/call`] = r?.rssPerCallMiB ?? '';
      out[`${tag} flush→silence p99`] = r?.flushToSilenceP99Ms ?? '';
      out[`${tag} inbound p99`] = r?.inboundDelayP99Ms ?? '';
      out[`${tag} out sent p50/p99`] = r ? `${r.outboundSentP50Ms}/${r.outboundSentP99Ms}` : '';
      if (k === 'websocket') out[`${tag} out mark p50/p99`] = r ? `${r.outboundDelayP50Ms}/${r.outboundDelayP99Ms}` : '';
      out[`${tag} caller heard p50/p99`] = r ? `${r.callerHeardP50Ms}/${r.callerHeardP99Ms}` : '';
    }
    return out;
  });
}
