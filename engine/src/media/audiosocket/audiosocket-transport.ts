/**
 * AudioSocket TCP server. Asterisk connects (during POST /channels/externalMedia),
 * sends the 0x01 UUID frame first, then audio/DTMF; it ends with a plain FIN.
 * Each allocate() reserves a UUID; the connection that names it becomes the leg
 * (audiosocket-connection.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { PacedLeg } from '../paced-leg.js';
import type { Logger } from '../../observability/logger.js';
import type { TransportHealth } from '../../api/health.js';
import { SLIN16, SLIN8 } from '../audio-format.js';
import { FrameScheduler } from '../pacer.js';
import { FillTally } from '../paced-leg.js';
import { PendingLegs } from '../pending-legs.js';
import type { MediaTransport, PendingLeg, TransportCommonOptions } from '../transport.js';
import { AS_SLIN, AS_SLIN16 } from './framing.js';
import { handleConnection, type ConnectionLeg } from './audiosocket-connection.js';
import { closeLegSocket, frameWriter } from './socket-io.js';

export interface AudioSocketTransportOptions extends TransportCommonOptions {
  host: string;
  advertiseHost: string;
  /** 0 = any free port (tests); the bound port is then in `port` after start(). */
  port: number;
  format: 'slin' | 'slin16';
  underrun: 'silence' | 'nothing';
  prebufferMs: number;
  log: Logger;
  /** A connection that sends no UUID frame within this time is closed (default 5000 ms). */
  uuidTimeoutMs?: number;
  /** A pending leg whose connection never comes is cancelled after this (default 30000 ms; 0 = never). */
  connectTimeoutMs?: number;
}

export interface AudioSocketTransport extends MediaTransport {
  /** The bound port (after start()). */
  readonly port: number;
  /** Timers this transport holds right now (pacer, connect and UUID timeouts), for leak tests. */
  activeTimers(): number;
}

export function createAudioSocketTransport(opts: AudioSocketTransportOptions): AudioSocketTransport {
  const log = opts.log.child({ transport: 'audiosocket' });
  const wireFormat = opts.format === 'slin16' ? SLIN16 : SLIN8;
  const ownScheduler = !opts.scheduler;
  let scheduler = opts.scheduler ?? new FrameScheduler();
  const fills = new FillTally(opts.onInboundFills);
  const pending = new PendingLegs<void>({
    describe: (e) => `audiosocket leg for call ${e.callId}`,
    connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
    timeoutReason: (ms) => `Asterisk did not connect within ${ms} ms`,
  });
  const legs = new Map<string, PacedLeg>();
  const sockets = new Set<Socket>();
  const uuidTimers = new Set<NodeJS.Timeout>();
  let server: Server | undefined;
  let boundPort = opts.port;
  let listening = false;
  let reason: string | undefined;
  let schedulerStopped = false;

  const frameType = opts.format === 'slin16' ? AS_SLIN16 : AS_SLIN;

  /** The connection named a UUID: the pending leg it names becomes a PacedLeg on `sock`. */
  function openLeg(uuid: string, sock: Socket): ConnectionLeg | undefined {
    const p = pending.claim(uuid);
    if (!p) return undefined;
    const leg = new PacedLeg({
      kind: 'audiosocket',
      id: p.callId,
      wireFormat,
      scheduler,
      prebufferMs: opts.prebufferMs,
      underrun: opts.underrun,
      onFill: fills.add,
      sendFrame: frameWriter(sock, { log, callId: p.callId, wireFormat, frameType, onBytes: opts.onBytes }),
      teardown: (why) => {
        legs.delete(uuid);
        return closeLegSocket(sock, why);
      },
    });
    legs.set(uuid, leg);
    p.resolve(leg);
    return leg;
  }

  const connectionContext = { log, wireFormat, uuidTimeoutMs: opts.uuidTimeoutMs ?? 5000, onBytes: opts.onBytes, openLeg, timers: uuidTimers };

  function onConnection(sock: Socket): void {
    sockets.add(sock);
    handleConnection(sock, connectionContext, () => sockets.delete(sock));
  }

  async function listen(): Promise<Server> {
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
    return srv;
  }

  return {
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
      server = await listen();
      fills.attach(scheduler);
      const addr = server.address();
      if (addr && typeof addr === 'object') boundPort = addr.port;
      listening = true;
      reason = undefined;
      log.info({ bind: `${opts.host}:${boundPort}`, advertise: `${opts.advertiseHost}:${boundPort}`, format: opts.format }, 'AudioSocket listening');
    },

    async stop() {
      pending.cancelAll('transport stopped');
      await Promise.all([...legs.values()].map((l) => l.close()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (server) {
        const srv = server;
        server = undefined;
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      }
      listening = false;
      fills.detach();
      if (ownScheduler) {
        scheduler.stop();
        schedulerStopped = true;
      }
    },

    health(): TransportHealth {
      const h: TransportHealth = { listening, bind: `${opts.host}:${boundPort}`, advertise: `${opts.advertiseHost}:${boundPort}` };
      if (reason) h.reason = reason;
      else if (!listening) h.reason = 'not started';
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      if (!server) throw new Error('audiosocket: allocate() before start() (or after stop())');
      const uuid = randomUUID();
      const entry = pending.add(uuid, callId, undefined);
      const external = `${opts.advertiseHost}:${boundPort}`;
      return pending.pendingLeg(entry, {
        externalMedia: { external_host: external, encapsulation: 'audiosocket', transport: 'tcp', format: opts.format, data: uuid },
        originateEndpoint: `AudioSocket/${external}/${uuid}/c(${opts.format})`,
      });
    },

    stats() {
      return { legs: legs.size, pending: pending.size, sockets: sockets.size, ports: 0 };
    },

    activeTimers() {
      return (scheduler.timerPending ? 1 : 0) + pending.timers() + uuidTimers.size;
    },
  };
}
