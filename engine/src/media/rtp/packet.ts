/**
 * RTP (RFC 3550) fixed header encode/parse and RFC 4733 telephone-event
 * payloads. Pure, no I/O.
 */

export const RTP_HEADER_BYTES = 12;
export const PT_PCMU = 0;
export const PT_PCMA = 8;

export interface RtpPacket {
  version: number;
  padding: boolean;
  extension: boolean;
  marker: boolean;
  payloadType: number;
  /** 16-bit */
  sequence: number;
  /** 32-bit, in samples */
  timestamp: number;
  /** 32-bit, unsigned */
  ssrc: number;
  csrc: number[];
  payload: Buffer;
}

export class RtpParseError extends Error {
  constructor(
    readonly code: 'too_short' | 'bad_version' | 'bad_csrc' | 'bad_extension' | 'bad_padding',
    message: string,
  ) {
    super(message);
    this.name = 'RtpParseError';
  }
}

/** Parses one datagram; throws RtpParseError. The payload is a view into `buf`. */
export function parseRtp(buf: Buffer): RtpPacket {
  if (buf.length < RTP_HEADER_BYTES) throw new RtpParseError('too_short', `RTP datagram of ${buf.length} bytes is shorter than the 12-byte header`);
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  const version = b0 >> 6;
  if (version !== 2) throw new RtpParseError('bad_version', `RTP version ${version}, expected 2`);
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const cc = b0 & 0x0f;
  let off = RTP_HEADER_BYTES + cc * 4;
  if (off > buf.length) throw new RtpParseError('bad_csrc', `RTP header claims ${cc} CSRCs but the datagram has ${buf.length} bytes`);
  const csrc: number[] = [];
  for (let i = 0; i < cc; i++) csrc.push(buf.readUInt32BE(RTP_HEADER_BYTES + i * 4));
  if (extension) {
    if (off + 4 > buf.length) throw new RtpParseError('bad_extension', 'RTP header extension is truncated');
    const words = buf.readUInt16BE(off + 2);
    off += 4 + words * 4;
    if (off > buf.length) throw new RtpParseError('bad_extension', `RTP header extension of ${words} words overruns the datagram`);
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1]!;
    if (pad === 0 || end - pad < off) throw new RtpParseError('bad_padding', `RTP padding of ${pad} bytes is invalid`);
    end -= pad;
  }
  return {
    version,
    padding,
    extension,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrc,
    payload: buf.subarray(off, end),
  };
}

export interface RtpHeaderFields {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
}

/** A packet with the 12-byte fixed header (V=2, no padding/extension/CSRC). */
export function encodeRtp(h: RtpHeaderFields, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
  out[0] = 0x80;
  out[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  out.writeUInt16BE(h.sequence & 0xffff, 2);
  out.writeUInt32BE(h.timestamp >>> 0, 4);
  out.writeUInt32BE(h.ssrc >>> 0, 8);
  payload.copy(out, RTP_HEADER_BYTES);
  return out;
}

/** Signed distance a − b in 16-bit sequence space (handles wrap-around). */
export function seqDiff(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

/** RFC 4733 telephone-event payload (4 bytes), or undefined if it is not one. */
export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return { event: payload[0]!, end: (payload[1]! & 0x80) !== 0, volume: payload[1]! & 0x3f, duration: payload.readUInt16BE(2) };
}

const EVENT_DIGITS = '0123456789*#ABCD';

/** Event code 0–15 to its DTMF digit. */
export function telephoneEventDigit(event: number): string | undefined {
  return EVENT_DIGITS[event];
}
