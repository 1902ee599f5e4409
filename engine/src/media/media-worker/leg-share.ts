/**
 * The state of one leg's outbound queue that a media worker publishes and the
 * engine's thread reads synchronously (queuedMs(), lastFrameOut()) without a
 * message per frame: a small SharedArrayBuffer per leg, created by the engine's
 * thread and handed to the worker when the leg is expected.
 *
 * Counters are Int32 read and written with Atomics; byte totals wrap at 2^32
 * and are only ever compared by difference. The last agent frame and its time
 * are plain (a torn read costs a level meter one wrong sample, nothing else).
 */

const I_QUEUED_BYTES = 0;
const I_RECEIVED_BYTES = 1;
const I_FLUSH_GEN = 2;
const I_FRAME_LEN = 3;
const INTS = 8;
/** Float64 slot (after the ints): epoch ms of the last agent frame sent, 0 = none yet. */
const LAST_OUT_OFFSET = INTS * 4;
const FRAME_OFFSET = LAST_OUT_OFFSET + 8;

export class LegShare {
  private readonly ints: Int32Array;
  private readonly lastOut: Float64Array;
  private readonly frameBuf: Buffer;

  constructor(
    readonly sab: SharedArrayBuffer,
    readonly maxFrameBytes: number,
  ) {
    this.ints = new Int32Array(sab, 0, INTS);
    this.lastOut = new Float64Array(sab, LAST_OUT_OFFSET, 1);
    this.frameBuf = Buffer.from(sab, FRAME_OFFSET, maxFrameBytes);
  }

  static create(maxFrameBytes: number): LegShare {
    return new LegShare(new SharedArrayBuffer(FRAME_OFFSET + maxFrameBytes), maxFrameBytes);
  }

  // ---- written by the worker ----

  /** Bytes queued in the worker's paced stream (not yet sent). */
  setQueuedBytes(n: number): void {
    Atomics.store(this.ints, I_QUEUED_BYTES, n);
  }

  /** Bytes of ENQUEUE records the worker has taken in so far (mod 2^32). */
  addReceived(n: number): void {
    Atomics.add(this.ints, I_RECEIVED_BYTES, n);
  }

  /** The newest flush the worker has carried out. */
  setFlushGen(gen: number): void {
    Atomics.store(this.ints, I_FLUSH_GEN, gen);
  }

  /** An agent frame went out (kept for the level meter, lastFrameOut()). */
  frameSent(frame: Buffer, atEpoch: number): void {
    const n = Math.min(frame.length, this.maxFrameBytes);
    frame.copy(this.frameBuf, 0, 0, n);
    this.ints[I_FRAME_LEN] = n;
    this.lastOut[0] = atEpoch;
  }

  // ---- read by the engine's thread ----

  queuedBytes(): number {
    return Atomics.load(this.ints, I_QUEUED_BYTES);
  }

  receivedBytes(): number {
    return Atomics.load(this.ints, I_RECEIVED_BYTES);
  }

  flushGen(): number {
    return Atomics.load(this.ints, I_FLUSH_GEN);
  }

  /** The last agent frame sent (a view on shared memory: read it at once) and its epoch ms. */
  lastFrame(): { frame: Buffer; atEpoch: number } | undefined {
    const at = this.lastOut[0]!;
    if (at === 0) return undefined;
    return { frame: this.frameBuf.subarray(0, this.ints[I_FRAME_LEN]), atEpoch: at };
  }

}
