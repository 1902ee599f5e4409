/**
 * A leg as a media worker holds it: the AudioSocket connection's socket, its
 * paced outbound stream on the worker's own media clock, and the shared state
 * the engine's thread reads (leg-share.ts). Raw arrivals, DTMF and per-burst
 * events go to the engine's thread as records; the inbound clock, voice
 * activity and everything after them run there.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../observability/logger.js';
import { frameBytes, type AudioFormat } from '../audio-format.js';
import type { ConnectionLeg } from '../audiosocket/audiosocket-connection.js';
import { closeLegSocket, frameWriter } from '../audiosocket/socket-io.js';
import type { FrameScheduler, PacedStream } from '../pacer.js';
import type { MediaLegEvents } from '../transport.js';
import type { LegShare } from './leg-share.js';
import type { RecordWriter } from './records.js';

export interface WorkerLegOptions {
  leg: number;
  callId: string;
  sock: Socket;
  share: LegShare;
  scheduler: FrameScheduler;
  wireFormat: AudioFormat;
  frameType: number;
  prebufferMs: number;
  underrun: 'silence' | 'nothing';
  log: Logger;
  /** Records to the engine's thread (sent once per event-loop turn). */
  out(): RecordWriter;
  onBytes(dir: 'rx' | 'tx', n: number): void;
  /** The leg closed (its socket is gone): tell the engine's thread. */
  onClosed(reason: MediaLegEvents['closed']['reason'], error?: Error): void;
}

const epochNow = (): number => performance.timeOrigin + performance.now();

export class WorkerLeg implements ConnectionLeg {
  readonly id: string;
  private readonly stream: PacedStream;
  /** The newest flush generation carried out; events of older bursts are stale on the engine's side. */
  private gen = 0;
  private flushing = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: WorkerLegOptions) {
    this.id = o.callId;
    const write = frameWriter(o.sock, { log: o.log, callId: o.callId, wireFormat: o.wireFormat, frameType: o.frameType, onBytes: o.onBytes });
    this.stream = o.scheduler.createStream({
      frameBytes: frameBytes(o.wireFormat),
      prebufferMs: o.prebufferMs,
      underrun: o.underrun,
      silenceByte: 0,
      send: (frame, info) => {
        write(frame);
        if (info.silence) return;
        o.share.frameSent(frame, performance.timeOrigin + info.at);
        o.share.setQueuedBytes(this.queuedBytes());
      },
      onFirstFrameOut: (at) => o.out().firstOut(o.leg, this.gen, performance.timeOrigin + at),
      onDrained: () => {
        if (!this.flushing) o.out().drained(o.leg, this.gen);
      },
    });
  }

  arrive(payload: Buffer): void {
    if (!this.closing) this.o.out().audio(this.o.leg, epochNow(), payload);
  }

  receiveDtmf(digit: string): void {
    if (!this.closing) this.o.out().dtmf(this.o.leg, digit);
  }

  enqueue(audio: Buffer): void {
    this.o.share.addReceived(audio.length);
    if (this.closing) return;
    // A view on a transferred batch that only this thread holds now: queued as is, no copy.
    this.stream.enqueue(audio);
    this.o.share.setQueuedBytes(this.queuedBytes());
  }

  markEndOfBurst(): void {
    this.stream.markEndOfBurst();
  }

  flush(gen: number): void {
    this.flushing = true;
    try {
      this.stream.flush();
    } finally {
      this.flushing = false;
    }
    this.gen = gen;
    this.o.share.setQueuedBytes(0);
    this.o.share.setFlushGen(gen);
  }

  shutdown(reason: MediaLegEvents['closed']['reason'], error?: Error): Promise<void> {
    if (this.closing) return this.closing;
    this.stream.close();
    this.o.share.setQueuedBytes(0);
    this.closing = closeLegSocket(this.o.sock, reason).then(() => this.o.onClosed(reason, error));
    return this.closing;
  }

  private queuedBytes(): number {
    return Math.round((this.stream.queuedMs() / this.o.scheduler.frameMs) * frameBytes(this.o.wireFormat));
  }
}
