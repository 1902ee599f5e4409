/**
 * AudioSocket framing (pure, no I/O): `type (1 byte) | length (uint16 BE) | payload`.
 * The parser is a state machine fed with arbitrary TCP reads: frames may be split
 * across reads or thousands may arrive coalesced in one read.
 */

export const AS_HANGUP = 0x00;
export const AS_UUID = 0x01;
export const AS_DTMF = 0x03;
export const AS_SLIN = 0x10;
export const AS_SLIN16 = 0x12;
export const AS_ERROR = 0xff;

/** Application-specific 0xFF error code we send when a connection names a UUID we never allocated. */
export const AS_ERROR_UNKNOWN_UUID = 0x10;
/** Application-specific 0xFF error code for a protocol violation by the peer. */
export const AS_ERROR_PROTOCOL = 0x11;

export const AS_HEADER_BYTES = 3;
/** Largest payload the 16-bit length field can express (just under 64 KiB). */
export const AS_MAX_PAYLOAD_BYTES = 0xffff;

export type AudioSocketMessage =
  | { type: 'uuid'; uuid: string }
  | { type: 'audio'; sampleRate: 8000 | 16000; payload: Buffer }
  | { type: 'dtmf'; digit: string }
  | { type: 'hangup' }
  | { type: 'error'; code: number | undefined; payload: Buffer };

export type AudioSocketViolation =
  | 'uuid_not_first'
  | 'duplicate_uuid'
  | 'bad_uuid_length'
  | 'bad_dtmf'
  | 'bad_audio_length'
  | 'payload_too_large'
  | 'unknown_type'
  | 'data_after_hangup';

export class AudioSocketProtocolError extends Error {
  constructor(
    readonly violation: AudioSocketViolation,
    message: string,
    /** Byte offset in the stream where the offending frame starts. */
    readonly streamOffset: number,
  ) {
    super(message);
    this.name = 'AudioSocketProtocolError';
  }
}

export interface AudioSocketParserOptions {
  /** Refuse any frame whose payload is longer (default and maximum 65535, i.e. < 64 KiB). */
  maxPayloadBytes?: number;
  /** Require the first frame to be 0x01 UUID (default true; Asterisk always sends it first). */
  requireUuidFirst?: boolean;
}

const DTMF_DIGITS = /^[0-9A-D*#]$/;

export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: "${uuid}"`);
  return Buffer.from(hex, 'hex');
}

export function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class AudioSocketParser {
  private readonly maxPayload: number;
  private readonly requireUuidFirst: boolean;
  private readonly header = Buffer.alloc(AS_HEADER_BYTES);
  private headerFill = 0;
  private type = 0;
  private payload: Buffer | undefined;
  private payloadFill = 0;
  private frameStart = 0;
  private offset = 0;
  private sawUuid = false;
  private sawHangup = false;
  /** Set once a violation is found; the parser then ignores all further input. */
  error: AudioSocketProtocolError | undefined;

  constructor(opts: AudioSocketParserOptions = {}) {
    this.maxPayload = Math.min(opts.maxPayloadBytes ?? AS_MAX_PAYLOAD_BYTES, AS_MAX_PAYLOAD_BYTES);
    this.requireUuidFirst = opts.requireUuidFirst ?? true;
  }

  /** Bytes buffered for a frame that has not completed yet. */
  get pendingBytes(): number {
    return this.payload ? AS_HEADER_BYTES + this.payloadFill : this.headerFill;
  }

  /**
   * Feeds one read. Complete messages go to `onMessage` in order. Returns the
   * violation (also kept in `error`) if the stream broke the protocol; messages
   * before the offending frame have been delivered. With `onAudio`, audio frames
   * go there instead (no message object per 20 ms frame).
   */
  push(chunk: Buffer, onMessage: (m: AudioSocketMessage) => void, onAudio?: (payload: Buffer, sampleRate: 8000 | 16000) => void): AudioSocketProtocolError | undefined {
    if (this.error) return this.error;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (!this.payload) {
        // Fast path: a whole header in this chunk.
        let len: number;
        if (this.headerFill === 0 && n - i >= AS_HEADER_BYTES) {
          this.type = chunk[i]!;
          len = (chunk[i + 1]! << 8) | chunk[i + 2]!;
          this.frameStart = this.offset + i;
          i += AS_HEADER_BYTES;
        } else {
          if (this.headerFill === 0) this.frameStart = this.offset + i;
          while (this.headerFill < AS_HEADER_BYTES && i < n) this.header[this.headerFill++] = chunk[i++]!;
          if (this.headerFill < AS_HEADER_BYTES) break;
          this.headerFill = 0;
          this.type = this.header[0]!;
          len = this.header.readUInt16BE(1);
        }
        const bad = this.checkHeader(this.type, len);
        if (bad) return this.fail(bad[0], bad[1]);
        // Fast path: the whole payload is in this chunk, no copy.
        if (n - i >= len) {
          const err = this.deliver(chunk.subarray(i, i + len), onMessage, onAudio);
          i += len;
          if (err) return err;
          continue;
        }
        this.payload = Buffer.allocUnsafe(len);
        this.payloadFill = 0;
      }
      const take = Math.min(this.payload.length - this.payloadFill, n - i);
      chunk.copy(this.payload, this.payloadFill, i, i + take);
      this.payloadFill += take;
      i += take;
      if (this.payloadFill === this.payload.length) {
        const p = this.payload;
        this.payload = undefined;
        const err = this.deliver(p, onMessage, onAudio);
        if (err) return err;
      }
    }
    this.offset += n;
    return undefined;
  }

  /** Convenience for tests and tools: parse a whole buffer and return the messages (throws on a violation). */
  parseAll(buf: Buffer): AudioSocketMessage[] {
    const out: AudioSocketMessage[] = [];
    const err = this.push(buf, (m) => out.push(m));
    if (err) throw err;
    return out;
  }

  private checkHeader(type: number, len: number): [AudioSocketViolation, string] | undefined {
    const t = `0x${type.toString(16).padStart(2, '0')}`;
    if (this.sawHangup) return ['data_after_hangup', `frame of type ${t} after the hangup frame`];
    if (len > this.maxPayload) return ['payload_too_large', `frame of type ${t} has a ${len}-byte payload (limit ${this.maxPayload})`];
    if (this.requireUuidFirst && !this.sawUuid && type !== AS_UUID) {
      return ['uuid_not_first', `first frame has type ${t}; the 0x01 UUID frame must come first`];
    }
    switch (type) {
      case AS_UUID:
        if (this.sawUuid) return ['duplicate_uuid', 'a second 0x01 UUID frame'];
        if (len !== 16) return ['bad_uuid_length', `UUID frame has ${len} bytes, expected 16`];
        return undefined;
      case AS_DTMF:
        if (len !== 1) return ['bad_dtmf', `DTMF frame has ${len} bytes, expected 1`];
        return undefined;
      case AS_SLIN:
      case AS_SLIN16:
        if (len % 2 !== 0) return ['bad_audio_length', `audio frame of type ${t} has an odd length (${len} bytes) for 16-bit PCM`];
        return undefined;
      case AS_HANGUP:
      case AS_ERROR:
        return undefined;
      default:
        return ['unknown_type', `unknown frame type ${t} (length ${len})`];
    }
  }

  private deliver(p: Buffer, onMessage: (m: AudioSocketMessage) => void, onAudio?: (payload: Buffer, sampleRate: 8000 | 16000) => void): AudioSocketProtocolError | undefined {
    switch (this.type) {
      case AS_UUID:
        this.sawUuid = true;
        onMessage({ type: 'uuid', uuid: bytesToUuid(p) });
        break;
      case AS_DTMF: {
        const digit = String.fromCharCode(p[0]!);
        if (!DTMF_DIGITS.test(digit)) return this.fail('bad_dtmf', `DTMF frame carries byte 0x${p[0]!.toString(16)}, not a digit`);
        onMessage({ type: 'dtmf', digit });
        break;
      }
      case AS_SLIN:
        if (onAudio) onAudio(p, 8000);
        else onMessage({ type: 'audio', sampleRate: 8000, payload: p });
        break;
      case AS_SLIN16:
        if (onAudio) onAudio(p, 16000);
        else onMessage({ type: 'audio', sampleRate: 16000, payload: p });
        break;
      case AS_HANGUP:
        this.sawHangup = true;
        onMessage({ type: 'hangup' });
        break;
      case AS_ERROR:
        onMessage({ type: 'error', code: p.length > 0 ? p[0] : undefined, payload: p });
        break;
    }
    return undefined;
  }

  private fail(v: AudioSocketViolation, message: string): AudioSocketProtocolError {
    this.error = new AudioSocketProtocolError(v, `AudioSocket protocol violation at byte ${this.frameStart}: ${message}`, this.frameStart);
    this.payload = undefined;
    return this.error;
  }
}

// ---- encoders (pure) ----

export function encodeFrame(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > AS_MAX_PAYLOAD_BYTES) throw new RangeError(`AudioSocket payload of ${payload.length} bytes exceeds ${AS_MAX_PAYLOAD_BYTES}`);
  const out = Buffer.allocUnsafe(AS_HEADER_BYTES + payload.length);
  out[0] = type;
  out.writeUInt16BE(payload.length, 1);
  payload.copy(out, AS_HEADER_BYTES);
  return out;
}

/**
 * encodeFrame into `out` (exactly header + payload bytes, e.g. one reused per leg): no allocation.
 * Returns `out`.
 */
export function encodeFrameInto(out: Buffer, type: number, payload: Buffer): Buffer {
  if (out.length !== AS_HEADER_BYTES + payload.length) throw new RangeError(`AudioSocket frame buffer of ${out.length} bytes for a ${payload.length}-byte payload`);
  out[0] = type;
  out[1] = payload.length >> 8;
  out[2] = payload.length & 0xff;
  payload.copy(out, AS_HEADER_BYTES);
  return out;
}

export function encodeUuid(uuid: string): Buffer {
  return encodeFrame(AS_UUID, uuidToBytes(uuid));
}

export function encodeAudio(pcm16: Buffer, sampleRate: 8000 | 16000 = 8000): Buffer {
  return encodeFrame(sampleRate === 16000 ? AS_SLIN16 : AS_SLIN, pcm16);
}

export function encodeDtmf(digit: string): Buffer {
  if (!DTMF_DIGITS.test(digit)) throw new Error(`not a DTMF digit: "${digit}"`);
  return encodeFrame(AS_DTMF, Buffer.from(digit, 'latin1'));
}

export function encodeHangup(): Buffer {
  return encodeFrame(AS_HANGUP);
}

export function encodeError(code?: number): Buffer {
  return encodeFrame(AS_ERROR, code === undefined ? Buffer.alloc(0) : Buffer.from([code & 0xff]));
}
