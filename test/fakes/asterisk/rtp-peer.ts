/**
 * Asterisk's side of an ExternalMedia RTP leg (chan_rtp UnicastRTP), as in
 * ../shared/fixtures/asterisk-22/rtp/README.md: µ-law PT 0 from its own UDP
 * port, random initial seq, timestamp starting at 160 and advancing by the
 * payload length of each packet, one SSRC, no marker bit. When the caller
 * sends nothing for a while (silence without transmit_silence), the sequence
 * goes on by one but the timestamp advances across the gap by the wall time
 * that passed, as Asterisk derives it from the delivery time. Records what it receives.
 * Packets are written and read here, independently of the engine's RTP code.
 * The fake Asterisk's legs and the transport tests (test/media/) both use it.
 */
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { encodeUlaw, decodeUlaw } from './audio.js';

export interface ReceivedRtp {
  seq: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker: boolean;
  payloadBytes: number;
  payload: Buffer;
  from: string;
}

export interface RtpPeerOptions {
  /** Where the peer binds (port 0). */
  bindHost: string;
  /** Where it sends. */
  remoteHost: string;
  remotePort: number;
  /** 8 kHz PCM of every µ-law packet received. */
  onAudio?: (pcm: Int16Array) => void;
  /** The stream's SSRC (default random). */
  ssrc?: number;
}

/** One packet to send as given (tests: loss, reordering, foreign SSRC, telephone-events). */
export interface RtpPacketSpec {
  seq: number;
  ts: number;
  ssrc?: number;
  payload: Buffer;
  payloadType?: number;
  marker?: boolean;
}

export class RtpPeer {
  readonly socket: Socket;
  port = 0;
  /** The sequence number before the first packet (random, as Asterisk's). */
  readonly firstSeq = Math.floor(Math.random() * 0xffff);
  private seq = this.firstSeq;
  private ts = 0;
  /** performance.now() of the last audio packet sent. */
  private lastSentAt: number | undefined;
  readonly ssrc: number;
  readonly remoteHost: string;
  readonly remotePort: number;
  packetsSent = 0;
  readonly received: ReceivedRtp[] = [];
  bytesReceived = 0;
  closed = false;
  private readonly watchers = new Set<() => void>();

  private constructor(
    socket: Socket,
    private readonly opts: RtpPeerOptions,
  ) {
    this.socket = socket;
    this.remoteHost = opts.remoteHost;
    this.remotePort = opts.remotePort;
    this.ssrc = opts.ssrc ?? (Math.random() * 0xffffffff) >>> 0;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => {});
  }

  static async open(opts: RtpPeerOptions): Promise<RtpPeer> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, opts.bindHost, () => {
        s.off('error', reject);
        resolve();
      });
    });
    const peer = new RtpPeer(s, opts);
    peer.port = s.address().port;
    return peer;
  }

  /** One frame of 8 kHz PCM (any length ≤ 160 samples) as one µ-law RTP packet. */
  sendAudio(pcm8k: Int16Array): void {
    if (this.closed) return;
    const payload = encodeUlaw(pcm8k);
    const now = performance.now();
    // Frames skipped while the caller was silent: the timestamp jumps by the gap's samples.
    const skipped = this.lastSentAt === undefined ? 0 : Math.max(0, Math.round((now - this.lastSentAt) / 20) - 1);
    this.lastSentAt = now;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + skipped * 160 + payload.length) >>> 0;
    this.sendPacket({ seq: this.seq, ts: this.ts, payload });
  }

  /**
   * Packet number `n` of a steady 20 ms stream, payload as given (already µ-law, or a telephone-event):
   * seq = firstSeq + n, timestamp = 160·(n + 1), this peer's SSRC.
   */
  sendNumbered(n: number, payload: Buffer, o: { payloadType?: number; marker?: boolean } = {}): void {
    this.sendPacket({ seq: this.firstSeq + n, ts: 160 * (n + 1), payload, ...o });
  }

  /** Sends an arbitrary packet (tests: reordering, foreign SSRC, the engine's own SSRC looped back). */
  sendPacket(p: RtpPacketSpec): void {
    if (this.closed) return;
    const head = Buffer.alloc(12);
    head[0] = 0x80;
    head[1] = (p.marker ? 0x80 : 0) | ((p.payloadType ?? 0) & 0x7f);
    head.writeUInt16BE(p.seq & 0xffff, 2);
    head.writeUInt32BE(p.ts >>> 0, 4);
    head.writeUInt32BE((p.ssrc ?? this.ssrc) >>> 0, 8);
    this.socket.send(Buffer.concat([head, p.payload]), this.remotePort, this.remoteHost);
    this.packetsSent++;
  }

  /** Resolves once `holds` is true of the packets received. */
  until(holds: (received: ReceivedRtp[]) => boolean): Promise<void> {
    if (holds(this.received)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (!holds(this.received)) return;
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    const cc = msg[0]! & 0x0f;
    const payload = msg.subarray(12 + cc * 4);
    this.received.push({
      seq: msg.readUInt16BE(2),
      timestamp: msg.readUInt32BE(4),
      ssrc: msg.readUInt32BE(8),
      payloadType: msg[1]! & 0x7f,
      marker: (msg[1]! & 0x80) !== 0,
      payloadBytes: payload.length,
      payload,
      from: `${rinfo.address}:${rinfo.port}`,
    });
    this.bytesReceived += payload.length;
    if ((msg[1]! & 0x7f) === 0) this.opts.onAudio?.(decodeUlaw(Buffer.from(payload)));
    for (const w of [...this.watchers]) w();
  }
}
