/**
 * The hot half of the protocol between the engine's thread and a media worker
 * (pure, no I/O): audio and per-burst events travel as binary records packed
 * into one ArrayBuffer per event-loop turn and transferred, not cloned — at
 * 500 calls that is ~25,000 frames a second, where a structured message per
 * frame would cost more than the socket write it moves off the thread.
 *
 * A record: kind (u8), leg (u32), then per kind:
 * - worker → engine: AUDIO at (f64 epoch ms) len (u16) bytes; DTMF digit (u8);
 *   FIRST_OUT gen (u32) at (f64); DRAINED gen (u32);
 * - engine → worker: ENQUEUE len (u32) bytes; END_OF_BURST; FLUSH gen (u32); CLOSE.
 * Times are epoch ms (performance.timeOrigin + now()), since each thread's
 * performance.now() counts from its own origin.
 */

const RecordKind = { Audio: 1, Dtmf: 2, FirstOut: 3, Drained: 4, Enqueue: 11, EndOfBurst: 12, Flush: 13, Close: 14 } as const;
type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

const INITIAL_BYTES = 16 * 1024;

/** Packs records into one transferable buffer; `take()` hands it over and starts a new one. */
export class RecordWriter {
  private buf = Buffer.from(new ArrayBuffer(INITIAL_BYTES));
  private len = 0;

  get empty(): boolean {
    return this.len === 0;
  }

  audio(leg: number, at: number, payload: Buffer): void {
    const o = this.reserve(15 + payload.length);
    this.head(o, RecordKind.Audio, leg);
    this.buf.writeDoubleLE(at, o + 5);
    this.buf.writeUInt16LE(payload.length, o + 13);
    payload.copy(this.buf, o + 15);
  }

  dtmf(leg: number, digit: string): void {
    const o = this.reserve(6);
    this.head(o, RecordKind.Dtmf, leg);
    this.buf[o + 5] = digit.charCodeAt(0);
  }

  firstOut(leg: number, gen: number, at: number): void {
    const o = this.reserve(17);
    this.head(o, RecordKind.FirstOut, leg);
    this.buf.writeUInt32LE(gen, o + 5);
    this.buf.writeDoubleLE(at, o + 9);
  }

  drained(leg: number, gen: number): void {
    const o = this.reserve(9);
    this.head(o, RecordKind.Drained, leg);
    this.buf.writeUInt32LE(gen, o + 5);
  }

  enqueue(leg: number, audio: Buffer): void {
    const o = this.reserve(9 + audio.length);
    this.head(o, RecordKind.Enqueue, leg);
    this.buf.writeUInt32LE(audio.length, o + 5);
    audio.copy(this.buf, o + 9);
  }

  endOfBurst(leg: number): void {
    this.head(this.reserve(5), RecordKind.EndOfBurst, leg);
  }

  flush(leg: number, gen: number): void {
    const o = this.reserve(9);
    this.head(o, RecordKind.Flush, leg);
    this.buf.writeUInt32LE(gen, o + 5);
  }

  close(leg: number): void {
    this.head(this.reserve(5), RecordKind.Close, leg);
  }

  /** The records so far as one ArrayBuffer (to transfer); the writer starts empty. */
  take(): ArrayBuffer {
    const ab = this.buf.buffer.slice(0, this.len) as ArrayBuffer;
    this.len = 0;
    return ab;
  }

  private head(o: number, kind: RecordKind, leg: number): void {
    this.buf[o] = kind;
    this.buf.writeUInt32LE(leg, o + 1);
  }

  private reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      const bigger = Buffer.from(new ArrayBuffer(Math.max(this.buf.length * 2, this.len + n)));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const o = this.len;
    this.len += n;
    return o;
  }
}

/** What a reader hands each record to (one method per kind; `payload` is a view, valid during the call only). */
export interface RecordHandler {
  audio?(leg: number, at: number, payload: Buffer): void;
  dtmf?(leg: number, digit: string): void;
  firstOut?(leg: number, gen: number, at: number): void;
  drained?(leg: number, gen: number): void;
  enqueue?(leg: number, audio: Buffer): void;
  endOfBurst?(leg: number): void;
  flush?(leg: number, gen: number): void;
  close?(leg: number): void;
}

/** Walks the records of one buffer in order. Throws on a record it does not know (a protocol bug, not input). */
export function readRecords(ab: ArrayBuffer, h: RecordHandler): void {
  const b = Buffer.from(ab);
  let o = 0;
  while (o < b.length) {
    const kind = b[o] as RecordKind;
    const leg = b.readUInt32LE(o + 1);
    switch (kind) {
      case RecordKind.Audio: {
        const n = b.readUInt16LE(o + 13);
        h.audio?.(leg, b.readDoubleLE(o + 5), b.subarray(o + 15, o + 15 + n));
        o += 15 + n;
        break;
      }
      case RecordKind.Dtmf:
        h.dtmf?.(leg, String.fromCharCode(b[o + 5]!));
        o += 6;
        break;
      case RecordKind.FirstOut:
        h.firstOut?.(leg, b.readUInt32LE(o + 5), b.readDoubleLE(o + 9));
        o += 17;
        break;
      case RecordKind.Drained:
        h.drained?.(leg, b.readUInt32LE(o + 5));
        o += 9;
        break;
      case RecordKind.Enqueue: {
        const n = b.readUInt32LE(o + 5);
        h.enqueue?.(leg, b.subarray(o + 9, o + 9 + n));
        o += 9 + n;
        break;
      }
      case RecordKind.EndOfBurst:
        h.endOfBurst?.(leg);
        o += 5;
        break;
      case RecordKind.Flush:
        h.flush?.(leg, b.readUInt32LE(o + 5));
        o += 9;
        break;
      case RecordKind.Close:
        h.close?.(leg);
        o += 5;
        break;
      default:
        throw new Error(`media worker: unknown record kind ${String(kind)} at byte ${o}`);
    }
  }
}
