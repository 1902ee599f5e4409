/**
 * E-model MOS estimate (ITU-T G.107, simplified): R = 93.2 - Id - Ie,eff,
 * then the G.107 Annex B mapping from R to MOS-CQE. Pure; no I/O.
 */

/** Equipment impairment (Ie) and packet-loss robustness (Bpl) per codec (G.113 Appendix I style values). */
const CODECS: Record<string, { ie: number; bpl: number; frameMs: number }> = {
  pcmu: { ie: 0, bpl: 25.1, frameMs: 20 },
  pcma: { ie: 0, bpl: 25.1, frameMs: 20 },
  g722: { ie: 0, bpl: 25.1, frameMs: 20 },
  opus: { ie: 0, bpl: 30, frameMs: 20 },
  g729: { ie: 11, bpl: 19, frameMs: 20 },
  ilbc: { ie: 10, bpl: 32, frameMs: 30 },
};
const DEFAULT_CODEC = { ie: 5, bpl: 20, frameMs: 20 };

export interface EModelInput {
  /** Round-trip time in ms (RTCP). */
  rttMs: number;
  /** Interarrival jitter in ms. */
  jitterMs: number;
  /** Packet loss in percent (0–100). */
  packetLossPct: number;
  /** Codec name as in SDP / getStats mimeType (e.g. "opus", "audio/PCMU"). */
  codec?: string;
}

function codecParams(codec: string | undefined) {
  const key = (codec ?? '').toLowerCase().replace(/^audio\//, '');
  return CODECS[key] ?? DEFAULT_CODEC;
}

/** Transmission rating factor R (0–100). */
export function rFactor(input: EModelInput): number {
  const { ie, bpl, frameMs } = codecParams(input.codec);
  const rtt = Math.max(0, finite(input.rttMs));
  const jitter = Math.max(0, finite(input.jitterMs));
  const ppl = Math.min(100, Math.max(0, finite(input.packetLossPct)));
  // One-way mouth-to-ear delay: half the RTT, a jitter buffer of twice the jitter, codec framing + lookahead.
  const d = rtt / 2 + 2 * jitter + frameMs + 5;
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ieEff = ie + (95 - ie) * (ppl / (ppl + bpl));
  const r = 93.2 - id - ieEff;
  return Math.min(100, Math.max(0, r));
}

/** MOS (1.0–4.5) from R, per G.107 Annex B. */
export function mosFromR(r: number): number {
  if (!(r > 0)) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  return Math.min(4.5, Math.max(1, mos));
}

export function estimateMos(input: EModelInput): number {
  return Math.round(mosFromR(rFactor(input)) * 100) / 100;
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
