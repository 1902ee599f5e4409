/**
 * Asterisk's side of an ExternalMedia RTP leg (chan_rtp UnicastRTP), as in
 * ../shared/fixtures/asterisk-22/rtp/README.md: µ-law PT 0 from its own UDP
 * port, random initial seq, timestamp starting at 160 and advancing by the
 * payload length of each packet, one SSRC, no marker bit. When the caller
 * sends nothing for a while (silence without transmit_silence), the sequence
 * goes on by one but the timestamp advances across the gap by the wall time
 * that passed, as Asterisk derives it from the delivery time. Records what it receives.
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
  from: string;
}

export class RtpPeer {
  readonly socket: Socket;
  port = 0;
  private seq = Math.floor(Math.random() * 0xffff);
  private ts = 0;
  /** performance.now() of the last audio packet sent. */
  private lastSentAt: number | undefined;
  readonly ssrc = (Math.random() * 0xffffffff) >>> 0;
  packetsSent = 0;
  readonly received: ReceivedRtp[] = [];
  bytesReceived = 0;
  closed = false;

  private constructor(
    socket: Socket,
    readonly remoteHost: string,
    readonly remotePort: number,
    private readonly onAudio: (pcm: Int16Array) => void,
  ) {
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => {});
  }

  static async open(bindHost: string, remoteHost: string, remotePort: number, onAudio: (pcm: Int16Array) => void): Promise<RtpPeer> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, bindHost, () => {
        s.off('error', reject);
        resolve();
      });
    });
    const peer = new RtpPeer(s, remoteHost, remotePort, onAudio);
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
    this.sendPacket(this.seq, this.ts, this.ssrc, payload);
  }

  /** Sends an arbitrary packet (tests: reordering, foreign SSRC). */
  sendPacket(seq: number, ts: number, ssrc: number, payload: Buffer, marker = false, from?: Socket): void {
    const head = Buffer.alloc(12);
    head[0] = 0x80;
    head[1] = (marker ? 0x80 : 0) | 0;
    head.writeUInt16BE(seq & 0xffff, 2);
    head.writeUInt32BE(ts >>> 0, 4);
    head.writeUInt32BE(ssrc >>> 0, 8);
    (from ?? this.socket).send(Buffer.concat([head, payload]), this.remotePort, this.remoteHost);
    this.packetsSent++;
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
      from: `${rinfo.address}:${rinfo.port}`,
    });
    this.bytesReceived += payload.length;
    if ((msg[1]! & 0x7f) === 0) this.onAudio(decodeUlaw(Buffer.from(payload)));
  }
}
