/**
 * AudioSocket TCP server. Asterisk connects (during POST /channels/externalMedia),
 * sends the 0x01 UUID frame first, then audio/DTMF; it ends with a plain FIN.
 * Each allocate() reserves a UUID; the connection that names it becomes the leg.
 */
import { Deferred } from '../../util/async.js';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../observability/logger.js';
import type { TransportHealth } from '../../api/health.js';
import { SLIN16, SLIN8 } from '../audio-format.js';
import { FrameScheduler } from '../pacer.js';
import { PacedLeg } from '../paced-leg.js';
import type { MediaLeg, MediaTransport, PendingLeg } from '../transport.js';
import {
  AS_ERROR_PROTOCOL,
  AS_ERROR_UNKNOWN_UUID,
  AS_HEADER_BYTES,
  AS_SLIN,
  AS_SLIN16,
  AudioSocketParser,
  encodeError,
  encodeHangup,
  type AudioSocketMessage,
} from './framing.js';

export interface AudioSocketTransportOptions {
  host: string;
  advertiseHost: string;
  /** 0 = any free port (tests); the bound port is then in `port` after start(). */
  port: number;
  format: 'slin' | 'slin16';
  underrun: 'silence' | 'nothing';
  prebufferMs: number;
  log: Logger;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  /** A connection that sends no UUID frame within this time is closed (default 5000 ms). */
  uuidTimeoutMs?: number;
  /** A pending leg whose connection never comes is cancelled after this (default 30000 ms; 0 = never). */
  connectTimeoutMs?: number;
  /** Share a scheduler (bench); by default the transport owns one. */
  scheduler?: FrameScheduler;
}

export interface AudioSocketTransport extends MediaTransport {
  /** The bound port (after start()). */
  readonly port: number;
  /** Timers this transport holds right now (pacer, connect and UUID timeouts), for leak tests. */
  activeTimers(): number;
}

/** ~1.6 s of slin16 queued in the kernel/Node buffers: beyond that the peer is not reading. */
const MAX_WRITE_BACKLOG_BYTES = 64 * 1024;

interface Pending {
  callId: string;
  uuid: string;
  resolve(leg: MediaLeg): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export function createAudioSocketTransport(opts: AudioSocketTransportOptions): AudioSocketTransport {
  const log = opts.log.child({ transport: 'audiosocket' });
  const wireFormat = opts.format === 'slin16' ? SLIN16 : SLIN8;
  const frameType = opts.format === 'slin16' ? AS_SLIN16 : AS_SLIN;
  const ownScheduler = !opts.scheduler;
  let scheduler = opts.scheduler ?? new FrameScheduler();
  const pending = new Map<string, Pending>();
  const legs = new Map<string, PacedLeg>();
  const sockets = new Set<Socket>();
  const uuidTimers = new Set<NodeJS.Timeout>();
  let server: Server | undefined;
  let boundPort = opts.port;
  let listening = false;
  let reason: string | undefined;
  let schedulerStopped = false;

  function onConnection(sock: Socket): void {
    sockets.add(sock);
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
    }, opts.uuidTimeoutMs ?? 5000);
    uuidTimer.unref();
    uuidTimers.add(uuidTimer);
    const clearUuidTimer = (): void => {
      clearTimeout(uuidTimer);
      uuidTimers.delete(uuidTimer);
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
        const p = pending.get(m.uuid);
        if (!p) {
          rejected = true;
          log.warn({ uuid: m.uuid }, 'AudioSocket connection for an unknown UUID; sending error and closing');
          endWith(encodeError(AS_ERROR_UNKNOWN_UUID));
          return;
        }
        pending.delete(m.uuid);
        if (p.timer) clearTimeout(p.timer);
        leg = makeLeg(sock, p);
        legs.set(p.uuid, leg);
        p.resolve(leg);
        return;
      }
      switch (m.type) {
        case 'audio':
          if (m.sampleRate !== wireFormat.sampleRate && !rateWarned) {
            rateWarned = true;
            log.warn({ callId: leg.id, got: m.sampleRate, expected: wireFormat.sampleRate }, 'AudioSocket audio arrives at a different rate than audiosocket.format');
          }
          leg.events.emit('audio', { frame: m.payload, at: performance.now() });
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

    sock.on('data', (chunk: Buffer) => {
      opts.onBytes?.('rx', chunk.length);
      if (rejected) return;
      const err = parser.push(chunk, onMessage);
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
      sockets.delete(sock);
      if (leg) void leg.shutdown('remote_hangup');
    });
  }

  function makeLeg(sock: Socket, p: Pending): PacedLeg {
    const uuid = p.uuid;
    let droppedFrames = 0;
    const leg = new PacedLeg({
      kind: 'audiosocket',
      id: p.callId,
      wireFormat,
      scheduler,
      prebufferMs: opts.prebufferMs,
      underrun: opts.underrun,
      sendFrame(frame) {
        if (sock.destroyed || !sock.writable) return;
        if (sock.writableLength > MAX_WRITE_BACKLOG_BYTES) {
          // The peer stopped reading: drop rather than buffer without bound.
          if (droppedFrames++ === 0) log.warn({ callId: p.callId, backlogBytes: sock.writableLength }, 'AudioSocket peer is not reading; dropping outbound frames');
          return;
        }
        const out = Buffer.allocUnsafe(AS_HEADER_BYTES + frame.length);
        out[0] = frameType;
        out.writeUInt16BE(frame.length, 1);
        frame.copy(out, AS_HEADER_BYTES);
        sock.write(out);
        opts.onBytes?.('tx', out.length);
      },
      teardown: (why) =>
        new Promise<void>((resolve) => {
          legs.delete(uuid);
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
    return leg;
  }

  const transport: AudioSocketTransport = {
    kind: 'audiosocket',
    get port() {
      return boundPort;
    },

    async start() {
      if (server) return;
      if (ownScheduler && schedulerStopped) {
        scheduler = new FrameScheduler();
        schedulerStopped = false;
      }
      const srv = createServer({ noDelay: true }, onConnection);
      await new Promise<void>((resolve, reject) => {
        const onErr = (err: NodeJS.ErrnoException): void => {
          reason = `cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`;
          reject(new Error(`audiosocket: ${reason}`));
        };
        srv.once('error', onErr);
        srv.listen(opts.port, opts.host, () => {
          srv.off('error', onErr);
          resolve();
        });
      });
      srv.on('error', (err) => log.error({ err: err.message }, 'AudioSocket server error'));
      server = srv;
      const addr = srv.address();
      if (addr && typeof addr === 'object') boundPort = addr.port;
      listening = true;
      reason = undefined;
      log.info({ bind: `${opts.host}:${boundPort}`, advertise: `${opts.advertiseHost}:${boundPort}`, format: opts.format }, 'AudioSocket listening');
    },

    async stop() {
      for (const p of [...pending.values()]) cancelPending(p, 'transport stopped');
      await Promise.all([...legs.values()].map((l) => l.close()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (server) {
        const srv = server;
        server = undefined;
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      }
      listening = false;
      if (ownScheduler) {
        scheduler.stop();
        schedulerStopped = true;
      }
    },

    health(): TransportHealth {
      const h: TransportHealth = {
        listening,
        bind: `${opts.host}:${boundPort}`,
        advertise: `${opts.advertiseHost}:${boundPort}`,
      };
      if (reason) h.reason = reason;
      else if (!listening) h.reason = 'not started';
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      if (!server) throw new Error('audiosocket: allocate() before start() (or after stop())');
      const uuid = randomUUID();
      const { promise: connected, resolve, reject } = new Deferred<MediaLeg>();
      const p: Pending = { callId, uuid, resolve, reject, timer: undefined };
      const ct = opts.connectTimeoutMs ?? 30_000;
      if (ct > 0) {
        p.timer = setTimeout(() => cancelPending(p, `Asterisk did not connect within ${ct} ms`), ct);
        p.timer.unref();
      }
      pending.set(uuid, p);
      const external = `${opts.advertiseHost}:${boundPort}`;
      return {
        id: callId,
        externalMedia: { external_host: external, encapsulation: 'audiosocket', transport: 'tcp', format: opts.format, data: uuid },
        originateEndpoint: `AudioSocket/${external}/${uuid}/c(${opts.format})`,
        connected,
        cancel: (why?: string) => cancelPending(p, why ?? 'cancelled'),
      };
    },

    stats() {
      return { legs: legs.size, pending: pending.size, sockets: sockets.size, ports: 0 };
    },

    activeTimers() {
      let n = scheduler.timerPending ? 1 : 0;
      for (const p of pending.values()) if (p.timer) n++;
      return n + uuidTimers.size;
    },
  };

  function cancelPending(p: Pending, why: string): void {
    if (pending.get(p.uuid) !== p) return;
    pending.delete(p.uuid);
    if (p.timer) clearTimeout(p.timer);
    p.reject(new Error(`audiosocket leg for call ${p.callId}: ${why}`));
  }

  return transport;
}
