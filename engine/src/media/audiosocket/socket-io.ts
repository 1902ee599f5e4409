/**
 * How an AudioSocket leg's agent audio goes onto its TCP socket and how the
 * socket is closed, shared by the in-thread legs (audiosocket-transport.ts)
 * and the legs of a media worker (media-worker/worker-leg.ts).
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import { frameBytes, type AudioFormat } from '../audio-format.js';
import type { MediaLegEvents } from '../transport.js';
import { AS_HEADER_BYTES, encodeFrame, encodeFrameInto, encodeHangup } from './framing.js';

/** ~1.6 s of slin16 queued in the kernel/Node buffers: beyond that the peer is not reading. */
const MAX_WRITE_BACKLOG_BYTES = 64 * 1024;

export interface FrameWriterOptions {
  log: Logger;
  callId: string;
  wireFormat: AudioFormat;
  /** 0x10 (slin) or 0x12 (slin16). */
  frameType: number;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
}

/** Writes one audio frame per call (an AudioSocket frame of `frameType`), dropping frames while the peer does not read. */
export function frameWriter(sock: Socket, opts: FrameWriterOptions): (frame: Buffer) => void {
  let droppedFrames = 0;
  const frameSize = AS_HEADER_BYTES + frameBytes(opts.wireFormat);
  /** The leg's outbound frame, reused while the kernel takes each write at once (a queued write keeps its buffer). */
  let out = Buffer.allocUnsafe(frameSize);
  return (frame) => {
    if (sock.destroyed || !sock.writable) return;
    if (sock.writableLength > MAX_WRITE_BACKLOG_BYTES) {
      // The peer stopped reading: drop rather than buffer without bound.
      if (droppedFrames++ === 0) opts.log.warn({ callId: opts.callId, backlogBytes: sock.writableLength }, 'AudioSocket peer is not reading; dropping outbound frames');
      return;
    }
    const wire = frame.length + AS_HEADER_BYTES === frameSize ? encodeFrameInto(out, opts.frameType, frame) : encodeFrame(opts.frameType, frame);
    sock.write(wire);
    if (wire === out && sock.writableLength > 0) out = Buffer.allocUnsafe(frameSize);
    opts.onBytes?.('tx', wire.length);
  };
}

/**
 * Closes a leg's socket: a local close sends the hangup frame and lets the peer close; a remote hangup or an
 * error destroys it. Resolves once the socket closed (or after a second, destroying it).
 */
export function closeLegSocket(sock: Socket, why: MediaLegEvents['closed']['reason']): Promise<void> {
  return new Promise<void>((resolve) => {
    if (sock.destroyed) return resolve();
    const done = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      sock.destroy();
      resolve();
    }, 1000);
    t.unref();
    sock.once('close', done);
    if (why === 'local') {
      if (!sock.writableEnded) sock.end(encodeHangup());
    } else if (!sock.writableEnded) sock.destroy();
    // else: a final error frame is being flushed; the peer closes or the timer destroys.
  });
}
