/**
 * ExternalMedia RTP transport: one UDP port per call from a configured range,
 * µ-law PT 0 at 20 ms. The remote (Asterisk's UnicastRTP) address is learned
 * from the first packet or from UNICASTRTP_LOCAL_ADDRESS/PORT, then locked;
 * packets from anywhere else, or carrying our own SSRC, are dropped (rtp-leg.ts).
 * Inbound frames pass a small jitter buffer into the leg's inbound clock;
 * outbound frames are paced by the shared FrameScheduler (nothing is sent on underrun).
 */
import type { Logger } from '../../observability/logger.js';
import type { TransportHealth } from '../../api/health.js';
import { FrameScheduler } from '../pacer.js';
import { FillTally } from '../paced-leg.js';
import { PendingLegs } from '../pending-legs.js';
import type { MediaTransport, PendingLeg, TransportCommonOptions } from '../transport.js';
import { RtpSlot, type RtpLegStats } from './rtp-leg.js';
import { RtpPortPool } from './port-pool.js';

export type { RtpLegStats } from './rtp-leg.js';

export interface RtpTransportOptions extends TransportCommonOptions {
  host: string;
  advertiseHost: string;
  portRange: { start: number; end: number };
  jitterBufferMs: number;
  prebufferMs: number;
  log: Logger;
  /** A pending leg that receives nothing and gets no remote hint is cancelled after this (default 30000 ms; 0 = never). */
  connectTimeoutMs?: number;
}

export interface RtpTransport extends MediaTransport {
  /** Per-leg RTP counters (undefined once the leg is gone). */
  legStats(callId: string): RtpLegStats | undefined;
  /** Timers this transport holds right now (the shared clock, connect timeouts), for leak tests. */
  activeTimers(): number;
}

export function createRtpTransport(opts: RtpTransportOptions): RtpTransport {
  const log = opts.log.child({ transport: 'externalmedia' });
  const { start: portStart, end: portEnd } = opts.portRange;
  const ports = new RtpPortPool(opts.host, portStart, portEnd);
  const ownScheduler = !opts.scheduler;
  let scheduler = opts.scheduler ?? new FrameScheduler();
  let schedulerStopped = false;
  const fills = new FillTally(opts.onInboundFills);
  const slots = new Map<string, RtpSlot>(); // by callId
  const pending = new PendingLegs<RtpSlot>({
    describe: (e) => `RTP leg for call ${e.callId} (port ${e.data.port})`,
    connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
    timeoutReason: (ms) => `no RTP from Asterisk within ${ms} ms`,
    onCancel: (e) => e.data.release(),
  });
  const slotContext = {
    log,
    scheduler: () => scheduler,
    jitterBufferMs: opts.jitterBufferMs,
    prebufferMs: opts.prebufferMs,
    onBytes: opts.onBytes,
    onFill: fills.add,
    released(slot: RtpSlot) {
      ports.release(slot.port);
      if (slots.get(slot.callId) === slot) slots.delete(slot.callId);
    },
  };
  let started = false;

  return {
    kind: 'externalmedia',

    async start() {
      if (ownScheduler && schedulerStopped) {
        scheduler = new FrameScheduler();
        schedulerStopped = false;
      }
      fills.attach(scheduler);
      started = true;
      log.info({ bind: `${opts.host}:${portStart}-${portEnd}`, advertise: opts.advertiseHost }, 'ExternalMedia RTP ready');
    },

    async stop() {
      pending.cancelAll('transport stopped');
      await Promise.all([...slots.values()].map((s) => s.leg?.close()));
      started = false;
      fills.detach();
      if (ownScheduler) {
        scheduler.stop();
        schedulerStopped = true;
      }
    },

    health(): TransportHealth {
      const h: TransportHealth = { listening: started, bind: `${opts.host}:${portStart}-${portEnd}`, advertise: opts.advertiseHost };
      if (!started) h.reason = 'not started';
      else if (ports.full) h.reason = `all ${portEnd - portStart + 1} RTP ports in use`;
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      if (!started) throw new Error('externalmedia: allocate() before start() (or after stop())');
      if (slots.has(callId)) throw new Error(`externalmedia: call ${callId} already has an RTP leg`);
      const { socket, port } = await ports.bind(slots.size);
      const slot = new RtpSlot(callId, port, socket, slotContext, (leg) => pending.claim(callId)?.resolve(leg));
      slots.set(callId, slot);
      const entry = pending.add(callId, callId, slot);
      socket.on('message', (msg, rinfo) => slot.onPacket(msg, rinfo));
      socket.on('error', (err) => {
        log.warn({ callId, err: err.message }, 'RTP socket error');
        if (slot.leg) void slot.leg.shutdown('error', err);
        else pending.cancel(callId, `socket error: ${err.message}`);
      });
      return pending.pendingLeg(entry, {
        externalMedia: { external_host: `${opts.advertiseHost}:${port}`, encapsulation: 'rtp', transport: 'udp', format: 'ulaw', direction: 'both' },
        setRemoteHint(host: string, remotePort: number) {
          if (slot.done) return;
          if (!Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) {
            log.warn({ callId, host, port: remotePort }, 'ignoring invalid UNICASTRTP_LOCAL_PORT hint');
            return;
          }
          if (host === '0.0.0.0' || host === '::' || host === '') {
            log.debug({ callId, host }, 'RTP remote hint has an unspecified address; waiting for the first packet');
            return;
          }
          slot.remote = { address: host, port: remotePort };
          slot.connect();
        },
      });
    },

    stats() {
      let legs = 0;
      for (const s of slots.values()) if (s.leg) legs++;
      return { legs, pending: pending.size, sockets: slots.size, ports: ports.size };
    },

    activeTimers() {
      return (scheduler.timerPending ? 1 : 0) + pending.timers();
    },

    legStats(callId: string) {
      const s = slots.get(callId);
      return s ? { ...s.stats } : undefined;
    },
  };
}
