/**
 * One TCP connection from Asterisk's AudioSocket: the 0x01 UUID frame first
 * (it names the pending leg), then audio and DTMF, ended by a plain FIN. The
 * context opens the leg the UUID names (an in-thread PacedLeg, or a media
 * worker's leg); raw audio goes to its `arrive`.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import type { AudioFormat } from '../audio-format.js';
import type { MediaLegEvents } from '../transport.js';
import { AS_ERROR_PROTOCOL, AS_ERROR_UNKNOWN_UUID, AudioSocketParser, encodeError, type AudioSocketMessage } from './framing.js';

/** What a connection feeds: the leg its UUID named. */
export interface ConnectionLeg {
  readonly id: string;
  /** A raw audio payload as it came off the socket. */
  arrive(payload: Buffer): void;
  receiveDtmf(digit: string): void;
  /** Closes for any reason; idempotent. */
  shutdown(reason: MediaLegEvents['closed']['reason'], error?: Error): Promise<void>;
}

export interface ConnectionContext {
  log: Logger;
  wireFormat: AudioFormat;
  uuidTimeoutMs: number;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  /** The leg this UUID names, built on `sock` (it leaves the pending set); undefined = a UUID nobody allocated. */
  openLeg(uuid: string, sock: Socket): ConnectionLeg | undefined;
  /** UUID-wait timers, for leak checks. */
  timers: Set<NodeJS.Timeout>;
}

export function handleConnection(sock: Socket, ctx: ConnectionContext, onClose: () => void): void {
  const { log } = ctx;
  sock.setNoDelay(true);
  const parser = new AudioSocketParser();
  let leg: ConnectionLeg | undefined;
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
      leg = ctx.openLeg(m.uuid, sock);
      if (!leg) {
        rejected = true;
        log.warn({ uuid: m.uuid }, 'AudioSocket connection for an unknown UUID; sending error and closing');
        endWith(encodeError(AS_ERROR_UNKNOWN_UUID));
      }
      return;
    }
    switch (m.type) {
      case 'audio':
        onAudio(m.payload, m.sampleRate);
        break;
      case 'dtmf':
        leg.receiveDtmf(m.digit);
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
