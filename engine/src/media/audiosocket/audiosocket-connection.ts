/**
 * One TCP connection from Asterisk's AudioSocket: the 0x01 UUID frame first
 * (it names the pending leg), then audio and DTMF, ended by a plain FIN. The
 * leg it becomes is a PacedLeg: raw audio goes to its inbound clock, paced
 * agent audio goes out as encodeFrame() frames.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import { frameBytes, type AudioFormat } from '../audio-format.js';
import type { FrameScheduler } from '../pacer.js';
import { PacedLeg } from '../paced-leg.js';
import type { PendingEntry } from '../pending-legs.js';
import { AS_ERROR_PROTOCOL, AS_ERROR_UNKNOWN_UUID, AS_HEADER_BYTES, AudioSocketParser, encodeError, encodeFrame, encodeFrameInto, encodeHangup, type AudioSocketMessage } from './framing.js';

/** ~1.6 s of slin16 queued in the kernel/Node buffers: beyond that the peer is not reading. */
const MAX_WRITE_BACKLOG_BYTES = 64 * 1024;

export interface ConnectionContext {
  log: Logger;
  wireFormat: AudioFormat;
  /** 0x10 (slin) or 0x12 (slin16). */
  frameType: number;
  scheduler(): FrameScheduler;
  prebufferMs: number;
  underrun: 'silence' | 'nothing';
  uuidTimeoutMs: number;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  onFill(): void;
  /** The pending leg this UUID names (removed from the pending set), if any. */
  claim(uuid: string): PendingEntry<void> | undefined;
  legOpened(uuid: string, leg: PacedLeg): void;
  legClosed(uuid: string): void;
  /** UUID-wait timers, for leak checks. */
  timers: Set<NodeJS.Timeout>;
}

export function handleConnection(sock: Socket, ctx: ConnectionContext, onClose: () => void): void {
  const { log } = ctx;
  sock.setNoDelay(true);
  const parser = new AudioSocketParser();
  let leg: PacedLeg | undefined;
  let rejected = false;
  let rateWarned = false;
  const uuidTimer = setTimeout(() => {
    if (!leg) {
      log.warn({ remote: sock.remoteAddress }, 'AudioSocket connection sent no UUID frame in time; closing');
      sock.destroy();
    }
  }, ctx.uuidTimeoutMs);
  uuidTimer.unref();
  ctx.timers.add(uuidTimer);
  const clearUuidTimer = (): void => {
    clearTimeout(uuidTimer);
    ctx.timers.delete(uuidTimer);
  };
  let lingerTimer: NodeJS.Timeout | undefined;
  /** Send a last frame and close; destroy if the peer does not close within a second. */
  const endWith = (frame: Buffer): void => {
    if (sock.destroyed || sock.writableEnded) return;
    sock.end(frame);
    lingerTimer = setTimeout(() => sock.destroy(), 1000);
    lingerTimer.unref();
  };

  const onMessage = (m: AudioSocketMessage): void => {
    if (!leg) {
      if (m.type !== 'uuid' || rejected) return;
      clearUuidTimer();
      const p = ctx.claim(m.uuid);
      if (!p) {
        rejected = true;
        log.warn({ uuid: m.uuid }, 'AudioSocket connection for an unknown UUID; sending error and closing');
        endWith(encodeError(AS_ERROR_UNKNOWN_UUID));
        return;
      }
      leg = makeLeg(sock, p, ctx);
      ctx.legOpened(p.key, leg);
      p.resolve(leg);
      return;
    }
    switch (m.type) {
      case 'audio':
        onAudio(m.payload, m.sampleRate);
        break;
      case 'dtmf':
        leg.events.emit('dtmf', { digit: m.digit });
        break;
      case 'hangup':
        void leg.shutdown('remote_hangup');
        break;
      case 'error':
        log.warn({ callId: leg.id, code: m.code }, 'AudioSocket peer sent an error frame');
        void leg.shutdown('error', new Error(`AudioSocket peer sent error frame (code ${m.code ?? 'none'})`));
        break;
      case 'uuid':
        break;
    }
  };

  /** Audio frames, the 50-per-second case, come straight here from the parser. */
  const onAudio = (payload: Buffer, sampleRate: number): void => {
    if (!leg) return;
    if (sampleRate !== ctx.wireFormat.sampleRate && !rateWarned) {
      rateWarned = true;
      log.warn({ callId: leg.id, got: sampleRate, expected: ctx.wireFormat.sampleRate }, 'AudioSocket audio arrives at a different rate than audiosocket.format');
    }
    leg.arrive(payload);
  };

  sock.on('data', (chunk: Buffer) => {
    ctx.onBytes?.('rx', chunk.length);
    if (rejected) return;
    const err = parser.push(chunk, onMessage, onAudio);
    if (err) {
      log.warn({ violation: err.violation, callId: leg?.id }, err.message);
      endWith(encodeError(AS_ERROR_PROTOCOL));
      if (leg) void leg.shutdown('error', err);
    }
  });
  sock.on('error', (err) => {
    log.debug({ err: err.message, callId: leg?.id }, 'AudioSocket socket error');
    if (leg) void leg.shutdown('error', err);
  });
  sock.on('close', () => {
    clearUuidTimer();
    if (lingerTimer) clearTimeout(lingerTimer);
    onClose();
    if (leg) void leg.shutdown('remote_hangup');
  });
}

function makeLeg(sock: Socket, p: PendingEntry<void>, ctx: ConnectionContext): PacedLeg {
  let droppedFrames = 0;
  const frameSize = AS_HEADER_BYTES + frameBytes(ctx.wireFormat);
  /** The leg's outbound frame, reused while the kernel takes each write at once (a queued write keeps its buffer). */
  let out = Buffer.allocUnsafe(frameSize);
  return new PacedLeg({
    kind: 'audiosocket',
    id: p.callId,
    wireFormat: ctx.wireFormat,
    scheduler: ctx.scheduler(),
    prebufferMs: ctx.prebufferMs,
    underrun: ctx.underrun,
    onFill: ctx.onFill,
    sendFrame(frame) {
      if (sock.destroyed || !sock.writable) return;
      if (sock.writableLength > MAX_WRITE_BACKLOG_BYTES) {
        // The peer stopped reading: drop rather than buffer without bound.
        if (droppedFrames++ === 0) ctx.log.warn({ callId: p.callId, backlogBytes: sock.writableLength }, 'AudioSocket peer is not reading; dropping outbound frames');
        return;
      }
      const wire = frame.length + AS_HEADER_BYTES === frameSize ? encodeFrameInto(out, ctx.frameType, frame) : encodeFrame(ctx.frameType, frame);
      sock.write(wire);
      if (wire === out && sock.writableLength > 0) out = Buffer.allocUnsafe(frameSize);
      ctx.onBytes?.('tx', wire.length);
    },
    teardown: (why) =>
      new Promise<void>((resolve) => {
        ctx.legClosed(p.key);
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
      }),
  });
}
