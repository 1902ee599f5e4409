/**
 * ExternalMedia RTP transport: one UDP port per call from a configured range,
 * µ-law PT 0 at 20 ms. The remote (Asterisk's UnicastRTP) address is learned
 * from the first packet or from UNICASTRTP_LOCAL_ADDRESS/PORT, then locked;
 * packets from anywhere else, or carrying our own SSRC, are dropped. Inbound
 * frames pass a small jitter buffer; outbound frames are paced by the shared
 * FrameScheduler (nothing is sent on underrun).
 */
import { Deferred } from '../../util/async.js';
import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../observability/logger.js';
import type { TransportHealth } from '../../api/health.js';
import { ULAW8 } from '../audio-format.js';
import { FrameScheduler } from '../pacer.js';
import { PacedLeg } from '../paced-leg.js';
import type { MediaLeg, MediaTransport, PendingLeg } from '../transport.js';
import { JitterBuffer } from './jitter-buffer.js';
import { PT_PCMU, encodeRtp, parseRtp, parseTelephoneEvent, telephoneEventDigit, type RtpPacket } from './packet.js';

export interface RtpTransportOptions {
  host: string;
  advertiseHost: string;
  portRange: { start: number; end: number };
  jitterBufferMs: number;
  prebufferMs: number;
  log: Logger;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  /** A pending leg that receives nothing and gets no remote hint is cancelled after this (default 30000 ms; 0 = never). */
  connectTimeoutMs?: number;
  /** Share a scheduler (bench); by default the transport owns one. */
  scheduler?: FrameScheduler;
}

export interface RtpLegStats {
  packetsIn: number;
  packetsOut: number;
  droppedForeign: number;
  droppedOwnSsrc: number;
  droppedInvalid: number;
  droppedNoRemote: number;
  sendErrors: number;
  lost: number;
  late: number;
  reordered: number;
}

const FRAME_BYTES = 160;
const SILENCE = Buffer.alloc(FRAME_BYTES, 0xff);

interface Slot {
  callId: string;
  port: number;
  socket: Socket;
  remote: { address: string; port: number } | undefined;
  leg: PacedLeg | undefined;
  resolve(leg: MediaLeg): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
  jbTimer: NodeJS.Timeout | undefined;
  jb: JitterBuffer;
  ssrc: number;
  seq: number;
  ts: number;
  /** Deadline (pacing clock) of the last frame sent; 0 = none yet. */
  lastSentAt: number;
  remoteSsrc: number | undefined;
  lastDtmfTs: number | undefined;
  stats: RtpLegStats;
  done: boolean;
}

export interface RtpTransport extends MediaTransport {
  /** Per-leg RTP counters (undefined once the leg is gone). */
  legStats(callId: string): RtpLegStats | undefined;
  /** Timers this transport holds right now (pacer, connect timeouts, jitter-buffer polls), for leak tests. */
  activeTimers(): number;
}

export function createRtpTransport(opts: RtpTransportOptions): RtpTransport {
  const log = opts.log.child({ transport: 'externalmedia' });
  const { start: portStart, end: portEnd } = opts.portRange;
  /** 0–0: any free port per call, chosen by the OS (tests). */
  const ephemeral = portStart === 0 && portEnd === 0;
  if (!ephemeral && (!Number.isInteger(portStart) || !Number.isInteger(portEnd) || portStart < 1 || portEnd > 65535 || portStart > portEnd)) {
    throw new Error(`external_media.port_range: ${portStart}–${portEnd} is not a valid port range (1–65535, start ≤ end)`);
  }
  const ownScheduler = !opts.scheduler;
  let scheduler = opts.scheduler ?? new FrameScheduler();
  let schedulerStopped = false;
  const slots = new Map<string, Slot>(); // by callId
  const usedPorts = new Set<number>();
  let cursor = portStart;
  let started = false;

  function bindPort(port: number): Promise<Socket | undefined> {
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: opts.host.includes(':') ? 'udp6' : 'udp4' });
      const onErr = (err: NodeJS.ErrnoException): void => {
        s.close();
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(undefined);
        else reject(new Error(`external_media.rtp_host: cannot bind UDP ${opts.host}:${port}: ${err.code ?? err.message}`));
      };
      s.once('error', onErr);
      s.bind(port, opts.host, () => {
        s.off('error', onErr);
        resolve(s);
      });
    });
  }

  function onPacket(slot: Slot, msg: Buffer, rinfo: RemoteInfo): void {
    opts.onBytes?.('rx', msg.length);
    if (slot.done) return;
    const st = slot.stats;
    let pkt: RtpPacket;
    try {
      pkt = parseRtp(msg);
    } catch {
      st.droppedInvalid++;
      return;
    }
    if (slot.remote && (slot.remote.address !== rinfo.address || slot.remote.port !== rinfo.port)) {
      st.droppedForeign++;
      return;
    }
    if (pkt.ssrc === slot.ssrc) {
      st.droppedOwnSsrc++;
      return;
    }
    if (!slot.remote) {
      slot.remote = { address: rinfo.address, port: rinfo.port };
      log.debug({ callId: slot.callId, remote: `${rinfo.address}:${rinfo.port}` }, 'RTP remote learned from first packet');
    }
    if (slot.remoteSsrc !== pkt.ssrc) {
      if (slot.remoteSsrc !== undefined) slot.jb.reset();
      slot.remoteSsrc = pkt.ssrc;
    }
    st.packetsIn++;
    const leg = slot.leg ?? connect(slot);
    if (pkt.payloadType === PT_PCMU) {
      deliver(slot, leg, slot.jb.push(pkt.sequence, pkt.payload, performance.now()));
      armJitterTimer(slot);
    } else if (pkt.payloadType >= 96) {
      const ev = parseTelephoneEvent(pkt.payload);
      const digit = ev && telephoneEventDigit(ev.event);
      if (ev?.end && digit && slot.lastDtmfTs !== pkt.timestamp) {
        slot.lastDtmfTs = pkt.timestamp;
        leg.events.emit('dtmf', { digit });
      }
    }
  }

  function deliver(slot: Slot, leg: PacedLeg, frames: ReturnType<JitterBuffer['push']>): void {
    const at = performance.now();
    for (const f of frames) {
      if (leg.closed) return;
      leg.events.emit('audio', { frame: f.payload ?? SILENCE, at });
    }
    const s = slot.jb.stats;
    slot.stats.lost = s.lost;
    slot.stats.late = s.late + s.duplicate;
    slot.stats.reordered = s.reordered;
  }

  function armJitterTimer(slot: Slot): void {
    if (slot.jbTimer) return;
    const deadline = slot.jb.nextDeadline();
    if (deadline === Infinity) return;
    slot.jbTimer = setTimeout(
      () => {
        slot.jbTimer = undefined;
        if (slot.done || !slot.leg) return;
        deliver(slot, slot.leg, slot.jb.poll(performance.now()));
        armJitterTimer(slot);
      },
      Math.max(0, Math.ceil(deadline - performance.now())),
    );
    slot.jbTimer.unref();
  }

  function connect(slot: Slot): PacedLeg {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    const leg = new PacedLeg({
      kind: 'externalmedia',
      id: slot.callId,
      wireFormat: ULAW8,
      scheduler,
      prebufferMs: opts.prebufferMs,
      underrun: 'nothing',
      sendFrame(frame, info) {
        if (!slot.remote || slot.done) {
          slot.stats.droppedNoRemote++;
          return;
        }
        if (slot.lastSentAt > 0) {
          // After a silent gap (between bursts or an underrun) the timestamp follows the pacing clock.
          const gapFrames = Math.round((info.deadline - slot.lastSentAt) / 20);
          if (gapFrames > 1) slot.ts = (slot.ts + (gapFrames - 1) * FRAME_BYTES) >>> 0;
        }
        const pkt = encodeRtp({ payloadType: PT_PCMU, sequence: slot.seq, timestamp: slot.ts, ssrc: slot.ssrc, marker: info.first }, frame);
        slot.seq = (slot.seq + 1) & 0xffff;
        slot.ts = (slot.ts + frame.length) >>> 0;
        slot.lastSentAt = info.deadline;
        slot.stats.packetsOut++;
        slot.socket.send(pkt, slot.remote.port, slot.remote.address, (err) => {
          if (!err) return;
          slot.stats.sendErrors++;
          if (slot.stats.sendErrors === 1) log.warn({ callId: slot.callId, remote: `${slot.remote?.address}:${slot.remote?.port}`, err: err.message }, 'RTP send failed');
        });
        opts.onBytes?.('tx', pkt.length);
      },
      teardown: async () => release(slot),
    });
    slot.leg = leg;
    slot.resolve(leg);
    return leg;
  }

  function release(slot: Slot): void {
    if (slot.done) return;
    slot.done = true;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.jbTimer) clearTimeout(slot.jbTimer);
    slot.timer = slot.jbTimer = undefined;
    slot.socket.removeAllListeners('message');
    try {
      slot.socket.close();
    } catch {
      /* already closed */
    }
    usedPorts.delete(slot.port);
    if (slots.get(slot.callId) === slot) slots.delete(slot.callId);
  }

  function cancelSlot(slot: Slot, why: string): void {
    if (slot.leg || slot.done) return;
    release(slot);
    slot.reject(new Error(`RTP leg for call ${slot.callId} (port ${slot.port}): ${why}`));
  }

  return {
    kind: 'externalmedia',

    async start() {
      if (ownScheduler && schedulerStopped) {
        scheduler = new FrameScheduler();
        schedulerStopped = false;
      }
      started = true;
      log.info({ bind: `${opts.host}:${portStart}-${portEnd}`, advertise: opts.advertiseHost }, 'ExternalMedia RTP ready');
    },

    async stop() {
      const all = [...slots.values()];
      await Promise.all(all.map((s) => (s.leg ? s.leg.close() : Promise.resolve(cancelSlot(s, 'transport stopped')))));
      started = false;
      if (ownScheduler) {
        scheduler.stop();
        schedulerStopped = true;
      }
    },

    health(): TransportHealth {
      const h: TransportHealth = { listening: started, bind: `${opts.host}:${portStart}-${portEnd}`, advertise: opts.advertiseHost };
      if (!started) h.reason = 'not started';
      else if (!ephemeral && usedPorts.size >= portEnd - portStart + 1) h.reason = `all ${portEnd - portStart + 1} RTP ports in use`;
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      if (!started) throw new Error('externalmedia: allocate() before start() (or after stop())');
      if (slots.has(callId)) throw new Error(`externalmedia: call ${callId} already has an RTP leg`);
      const size = portEnd - portStart + 1;
      let socket: Socket | undefined;
      let port = 0;
      if (ephemeral) {
        socket = await bindPort(0);
        if (socket) {
          port = socket.address().port;
          usedPorts.add(port);
        }
      }
      for (let i = 0; i < size && !socket && !ephemeral; i++) {
        const p = portStart + ((cursor - portStart + i) % size);
        if (usedPorts.has(p)) continue;
        usedPorts.add(p);
        socket = await bindPort(p).catch((err: unknown) => {
          usedPorts.delete(p);
          throw err;
        });
        if (socket) {
          port = p;
          cursor = p + 1 > portEnd ? portStart : p + 1;
        } else usedPorts.delete(p);
      }
      if (!socket) throw new Error(`no free RTP port in ${portStart}–${portEnd}: ${slots.size} calls active`);
      const { promise: connected, resolve, reject } = new Deferred<MediaLeg>();
      const slot: Slot = {
        callId,
        port,
        socket,
        remote: undefined,
        leg: undefined,
        resolve,
        reject,
        timer: undefined,
        jbTimer: undefined,
        jb: new JitterBuffer({ maxDelayMs: Math.min(60, Math.max(0, opts.jitterBufferMs)) }),
        ssrc: randomInt(1, 0xffffffff),
        seq: randomInt(0, 0x10000),
        ts: randomInt(0, 0xffffffff),
        lastSentAt: 0,
        remoteSsrc: undefined,
        lastDtmfTs: undefined,
        stats: { packetsIn: 0, packetsOut: 0, droppedForeign: 0, droppedOwnSsrc: 0, droppedInvalid: 0, droppedNoRemote: 0, sendErrors: 0, lost: 0, late: 0, reordered: 0 },
        done: false,
      };
      slots.set(callId, slot);
      socket.on('message', (msg, rinfo) => onPacket(slot, msg, rinfo));
      socket.on('error', (err) => {
        log.warn({ callId, err: err.message }, 'RTP socket error');
        if (slot.leg) void slot.leg.shutdown('error', err);
        else cancelSlot(slot, `socket error: ${err.message}`);
      });
      const ct = opts.connectTimeoutMs ?? 30_000;
      if (ct > 0) {
        slot.timer = setTimeout(() => cancelSlot(slot, `no RTP from Asterisk within ${ct} ms`), ct);
        slot.timer.unref();
      }
      return {
        id: callId,
        externalMedia: { external_host: `${opts.advertiseHost}:${port}`, encapsulation: 'rtp', transport: 'udp', format: 'ulaw', direction: 'both' },
        connected,
        cancel: (why?: string) => cancelSlot(slot, why ?? 'cancelled'),
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
          if (!slot.leg) connect(slot);
        },
      };
    },

    stats() {
      let legs = 0;
      let pending = 0;
      for (const s of slots.values()) {
        if (s.leg) legs++;
        else pending++;
      }
      return { legs, pending, sockets: slots.size, ports: usedPorts.size };
    },

    activeTimers() {
      let n = scheduler.timerPending ? 1 : 0;
      for (const s of slots.values()) n += (s.timer ? 1 : 0) + (s.jbTimer ? 1 : 0);
      return n;
    },

    legStats(callId: string) {
      const s = slots.get(callId);
      return s ? { ...s.stats } : undefined;
    },
  };
}
