/**
 * One ExternalMedia RTP call: its UDP socket, the remote learned from the
 * first packet (or the UNICASTRTP hint) and then locked, inbound packets
 * through the jitter buffer into the leg's inbound clock, and outbound µ-law
 * frames with sequence/timestamp. The jitter buffer is polled by the inbound
 * clock's ticks (the engine's one timer), never by a timer of its own.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import { ULAW8 } from '../audio-format.js';
import type { FrameInfo, FrameScheduler } from '../pacer.js';
import { PacedLeg } from '../paced-leg.js';
import { JitterBuffer, type JitterOut } from './jitter-buffer.js';
import { PT_PCMU, encodeRtp, parseRtp, parseTelephoneEvent, telephoneEventDigit, type RtpPacket } from './packet.js';

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

const FRAME_SAMPLES = 160;
/** A timestamp jump beyond this many frames (60 s) is a new timeline, not a silent gap. */
const MAX_GAP_FRAMES = 3000;

export interface RtpSlotContext {
  log: Logger;
  scheduler(): FrameScheduler;
  jitterBufferMs: number;
  prebufferMs: number;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  onFill(): void;
  /** The slot freed its socket (the transport frees the port). */
  released(slot: RtpSlot): void;
}

/** One call's UDP port from allocation to release; becomes a PacedLeg on the first packet or the remote hint. */
export class RtpSlot {
  remote: { address: string; port: number } | undefined;
  leg: PacedLeg | undefined;
  done = false;
  readonly stats: RtpLegStats = { packetsIn: 0, packetsOut: 0, droppedForeign: 0, droppedOwnSsrc: 0, droppedInvalid: 0, droppedNoRemote: 0, sendErrors: 0, lost: 0, late: 0, reordered: 0 };
  private readonly jb: JitterBuffer;
  private readonly ssrc = randomInt(1, 0xffffffff);
  private seq = randomInt(0, 0x10000);
  private ts = randomInt(0, 0xffffffff);
  /** Deadline (pacing clock) of the last frame sent; 0 = none yet. */
  private lastSentAt = 0;
  private remoteSsrc: number | undefined;
  private lastDtmfTs: number | undefined;
  /** RTP timestamp of the last audio packet handed to the clock (undefined after a resync). */
  private lastInTs: number | undefined;

  constructor(
    readonly callId: string,
    readonly port: number,
    readonly socket: Socket,
    private readonly ctx: RtpSlotContext,
    /** Called once when the leg exists (first packet or remote hint). */
    private readonly onConnect: (leg: PacedLeg) => void,
  ) {
    this.jb = new JitterBuffer({ maxDelayMs: Math.min(60, Math.max(0, ctx.jitterBufferMs)) });
  }

  onPacket(msg: Buffer, rinfo: RemoteInfo): void {
    this.ctx.onBytes?.('rx', msg.length);
    if (this.done) return;
    const st = this.stats;
    let pkt: RtpPacket;
    try {
      pkt = parseRtp(msg);
    } catch {
      st.droppedInvalid++;
      return;
    }
    if (this.remote && (this.remote.address !== rinfo.address || this.remote.port !== rinfo.port)) {
      st.droppedForeign++;
      return;
    }
    if (pkt.ssrc === this.ssrc) {
      st.droppedOwnSsrc++;
      return;
    }
    if (!this.remote) {
      this.remote = { address: rinfo.address, port: rinfo.port };
      this.ctx.log.debug({ callId: this.callId, remote: `${rinfo.address}:${rinfo.port}` }, 'RTP remote learned from first packet');
    }
    if (this.remoteSsrc !== pkt.ssrc) {
      if (this.remoteSsrc !== undefined) this.jb.reset();
      this.remoteSsrc = pkt.ssrc;
      this.lastInTs = undefined;
    }
    st.packetsIn++;
    const leg = this.leg ?? this.connect();
    if (pkt.payloadType === PT_PCMU) {
      this.deliver(this.jb.push(pkt.sequence, pkt.payload, this.ctx.scheduler().now(), pkt.timestamp));
    } else if (pkt.payloadType >= 96) {
      const ev = parseTelephoneEvent(pkt.payload);
      const digit = ev && telephoneEventDigit(ev.event);
      if (ev?.end && digit && this.lastDtmfTs !== pkt.timestamp) {
        this.lastDtmfTs = pkt.timestamp;
        leg.events.emit('dtmf', { digit });
      }
    }
  }

  /** The remote is known (hint) or the first packet came: the leg exists from now on. */
  connect(): PacedLeg {
    if (this.leg) return this.leg;
    const leg = new PacedLeg({
      kind: 'externalmedia',
      id: this.callId,
      wireFormat: ULAW8,
      scheduler: this.ctx.scheduler(),
      prebufferMs: this.ctx.prebufferMs,
      underrun: 'nothing',
      onFill: this.ctx.onFill,
      poll: (now) => this.deliver(this.jb.poll(now)),
      pollAt: () => this.jb.nextDeadline(),
      sendFrame: (frame, info) => this.send(frame, info),
      teardown: async () => this.release(),
    });
    this.leg = leg;
    this.onConnect(leg);
    return leg;
  }

  /** Frees the socket (idempotent). */
  release(): void {
    if (this.done) return;
    this.done = true;
    this.socket.removeAllListeners('message');
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
    this.ctx.released(this);
  }

  /** Released packets into the clock; a timestamp jump over a silent gap tells the clock how many slots the sender skipped. */
  private deliver(frames: JitterOut[]): void {
    const leg = this.leg;
    if (!leg) return;
    const at = this.ctx.scheduler().now();
    for (const f of frames) {
      if (leg.closed) return;
      if (f.lost || !f.payload) {
        leg.arrive(undefined, at);
        if (this.lastInTs !== undefined) this.lastInTs = (this.lastInTs + FRAME_SAMPLES) >>> 0;
        continue;
      }
      leg.arrive(f.payload, at, this.gapFrames(f));
      if (f.timestamp !== undefined) this.lastInTs = f.timestamp;
    }
    const s = this.jb.stats;
    this.stats.lost = s.lost;
    this.stats.late = s.late + s.duplicate;
    this.stats.reordered = s.reordered;
  }

  /** Slots skipped before `f` by the sender (Asterisk: ts(n) = ts(n-1) + len(n); a silent gap adds its samples). */
  private gapFrames(f: JitterOut): number {
    if (this.lastInTs === undefined || f.timestamp === undefined || !f.payload) return 0;
    const extra = ((f.timestamp - this.lastInTs) | 0) - f.payload.length;
    const frames = Math.round(extra / FRAME_SAMPLES);
    return frames > 0 && frames <= MAX_GAP_FRAMES ? frames : 0;
  }

  private send(frame: Buffer, info: FrameInfo): void {
    const remote = this.remote;
    if (!remote || this.done) {
      this.stats.droppedNoRemote++;
      return;
    }
    if (this.lastSentAt > 0) {
      // After a silent gap (between bursts or an underrun) the timestamp follows the pacing clock.
      const gapFrames = Math.round((info.deadline - this.lastSentAt) / 20);
      if (gapFrames > 1) this.ts = (this.ts + (gapFrames - 1) * FRAME_SAMPLES) >>> 0;
    }
    const pkt = encodeRtp({ payloadType: PT_PCMU, sequence: this.seq, timestamp: this.ts, ssrc: this.ssrc, marker: info.first }, frame);
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + frame.length) >>> 0;
    this.lastSentAt = info.deadline;
    this.stats.packetsOut++;
    this.socket.send(pkt, remote.port, remote.address, (err) => {
      if (!err) return;
      this.stats.sendErrors++;
      if (this.stats.sendErrors === 1) this.ctx.log.warn({ callId: this.callId, remote: `${remote.address}:${remote.port}`, err: err.message }, 'RTP send failed');
    });
    this.ctx.onBytes?.('tx', pkt.length);
  }
}
