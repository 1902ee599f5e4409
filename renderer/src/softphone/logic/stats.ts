/**
 * In-call statistics from RTCPeerConnection.getStats() reports. Takes plain
 * stats objects so it stays testable without a browser. Pure.
 */
import { estimateMos } from './emodel';

export interface StatLike {
  id: string;
  type: string;
  [k: string]: unknown;
}

export interface CallStats {
  codec: string | null;
  rttMs: number | null;
  jitterMs: number | null;
  /** Inbound loss over the whole call, percent. */
  packetLossPct: number | null;
  /** Receive jitter-buffer delay, ms (how long audio waits before playout): since the previous sample when given, else the call average. */
  jitterBufferMs: number | null;
  /** Raw cumulative counters behind jitterBufferMs (s, samples). */
  jitterBufferDelayS: number;
  jitterBufferEmitted: number;
  packetsReceived: number;
  packetsSent: number;
  bytesReceived: number;
  mos: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function summarizeStats(reports: Iterable<StatLike>, prev?: Pick<CallStats, 'jitterBufferDelayS' | 'jitterBufferEmitted'>): CallStats {
  const byId = new Map<string, StatLike>();
  const list: StatLike[] = [];
  for (const r of reports) {
    byId.set(r.id, r);
    list.push(r);
  }
  const inbound = list.find((r) => r.type === 'inbound-rtp' && (r.kind ?? r.mediaType) === 'audio');
  const outbound = list.find((r) => r.type === 'outbound-rtp' && (r.kind ?? r.mediaType) === 'audio');
  const remoteInbound = list.find((r) => r.type === 'remote-inbound-rtp' && (r.kind ?? 'audio') === 'audio');
  const pair =
    list.find((r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded') ??
    list.find((r) => r.type === 'candidate-pair' && r.state === 'succeeded');

  const codecId = (inbound?.codecId ?? outbound?.codecId) as string | undefined;
  const codecReport = codecId ? byId.get(codecId) : undefined;
  const mime = typeof codecReport?.mimeType === 'string' ? codecReport.mimeType : null;
  const codec = mime ? mime.replace(/^audio\//i, '') : null;

  const rttS = num(remoteInbound?.roundTripTime) ?? num(pair?.currentRoundTripTime);
  const rttMs = rttS === null ? null : rttS * 1000;
  const jitterS = num(inbound?.jitter);
  const jitterMs = jitterS === null ? null : jitterS * 1000;
  const received = num(inbound?.packetsReceived) ?? 0;
  const lost = Math.max(0, num(inbound?.packetsLost) ?? 0);
  const packetLossPct = inbound ? (received + lost > 0 ? (100 * lost) / (received + lost) : 0) : null;
  const mos =
    jitterMs === null || packetLossPct === null
      ? null
      : estimateMos({ rttMs: rttMs ?? 0, jitterMs, packetLossPct, codec: codec ?? undefined });
  const jbDelay = num(inbound?.jitterBufferDelay);
  const jbCount = num(inbound?.jitterBufferEmittedCount);
  const jitterBufferMs = recentJitterBufferMs(prev, jbDelay ?? 0, jbCount ?? 0);
  return {
    codec,
    jitterBufferMs,
    jitterBufferDelayS: jbDelay ?? 0,
    jitterBufferEmitted: jbCount ?? 0,
    rttMs: rttMs === null ? null : Math.round(rttMs * 10) / 10,
    jitterMs: jitterMs === null ? null : Math.round(jitterMs * 10) / 10,
    packetLossPct: packetLossPct === null ? null : Math.round(packetLossPct * 100) / 100,
    packetsReceived: received,
    packetsSent: num(outbound?.packetsSent) ?? 0,
    bytesReceived: num(inbound?.bytesReceived) ?? 0,
    mos,
  };
}

/**
 * One-way audio watchdog: true once `afterMs` passed since answer and no
 * inbound RTP packet arrived.
 */
export function isOneWayAudio(sinceAnswerMs: number, packetsReceived: number, afterMs = 3000): boolean {
  return sinceAnswerMs >= afterMs && packetsReceived === 0;
}

/** Jitter-buffer delay over the interval since `prev` (ms), or the cumulative average without one. */
function recentJitterBufferMs(prev: { jitterBufferDelayS: number; jitterBufferEmitted: number } | undefined, delayS: number, emitted: number): number | null {
  const dCount = emitted - (prev?.jitterBufferEmitted ?? 0);
  const dDelay = delayS - (prev?.jitterBufferDelayS ?? 0);
  if (dCount > 0 && dDelay >= 0) return Math.round((dDelay / dCount) * 10000) / 10;
  return emitted > 0 ? Math.round((delayS / emitted) * 10000) / 10 : null;
}

/**
 * "No inbound RTP for `afterMs`": fires once the packet counter has not moved
 * for that long after answer (never while held — the far end rightly stops then).
 */
export class InboundWatchdog {
  private lastCount = 0;
  private lastMoveMs: number;
  constructor(answeredAtMs: number, private readonly afterMs = 3000) {
    this.lastMoveMs = answeredAtMs;
  }
  update(nowMs: number, packetsReceived: number, held = false): boolean {
    if (packetsReceived > this.lastCount || held) {
      this.lastCount = Math.max(this.lastCount, packetsReceived);
      this.lastMoveMs = nowMs;
      return false;
    }
    return nowMs - this.lastMoveMs >= this.afterMs;
  }
}
