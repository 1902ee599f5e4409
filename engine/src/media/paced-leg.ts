/**
 * What AudioSocket and RTP legs share: the event emitter, the paced outbound
 * queue, and idempotent close. Transports supply how a frame goes on the wire
 * and how the underlying socket is torn down.
 */
import type { AudioFormat } from './audio-format.js';
import { frameBytes } from './audio-format.js';
import type { MediaLeg, MediaLegEvents } from './transport.js';
import type { TransportKind } from '../api/calls.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { FrameInfo, FrameScheduler, PacedStream } from './pacer.js';

export interface PacedLegOptions {
  kind: TransportKind;
  id: string;
  wireFormat: AudioFormat;
  scheduler: FrameScheduler;
  prebufferMs: number;
  underrun: 'silence' | 'nothing';
  sendFrame(frame: Buffer, info: FrameInfo): void;
  /** Tear down the socket; called once. */
  teardown(reason: MediaLegEvents['closed']['reason']): Promise<void>;
}

export class PacedLeg implements MediaLeg {
  readonly kind: TransportKind;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events = new TypedEmitter<MediaLegEvents>();
  private readonly stream: PacedStream;
  private closing: Promise<void> | undefined;
  private isClosed = false;

  constructor(private readonly opts: PacedLegOptions) {
    this.kind = opts.kind;
    this.id = opts.id;
    this.wireFormat = opts.wireFormat;
    this.stream = opts.scheduler.createStream({
      frameBytes: frameBytes(opts.wireFormat),
      prebufferMs: opts.prebufferMs,
      underrun: opts.underrun,
      silenceByte: opts.wireFormat.encoding === 'ulaw' ? 0xff : 0,
      send: (frame, info) => opts.sendFrame(frame, info),
      onFirstFrameOut: (at) => this.events.emit('firstFrameOut', { at }),
      onDrained: () => this.events.emit('drained', undefined),
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  enqueue(audio: Buffer): void {
    if (this.isClosed) return;
    this.stream.enqueue(audio);
  }

  /** No more audio follows for now: play out the queue without waiting for the prebuffer. */
  markEndOfBurst(): void {
    this.stream.markEndOfBurst();
  }

  flush(): number {
    return this.stream.flush();
  }

  queuedMs(): number {
    return this.stream.queuedMs();
  }

  whenDrained(): Promise<void> {
    return this.stream.whenDrained();
  }

  /** Frames sent so far (audio and silence) and underruns, for diagnostics. */
  pacingStats(): { framesSent: number; underruns: number } {
    return { framesSent: this.stream.framesSent, underruns: this.stream.underruns };
  }

  close(): Promise<void> {
    return this.shutdown('local');
  }

  /** Closes for any reason (remote hangup, error, local); emits `closed` exactly once. */
  shutdown(reason: MediaLegEvents['closed']['reason'], error?: Error): Promise<void> {
    if (this.closing) return this.closing;
    this.isClosed = true;
    this.stream.close();
    this.closing = this.opts.teardown(reason).finally(() => {
      this.events.emit('closed', error ? { reason, error } : { reason });
      this.events.removeAllListeners();
    });
    return this.closing;
  }
}
