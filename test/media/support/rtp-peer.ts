/** A UDP peer that behaves like Asterisk's UnicastRTP channel (for transport tests). */
import { createSocket, type Socket } from 'node:dgram';
import { encodeRtp, parseRtp, type RtpPacket } from '../../../engine/src/media/rtp/packet.js';

export interface RtpPeer {
  socket: Socket;
  port: number;
  received: RtpPacket[];
  /** Sends packet number `n` (seq = seqBase + n, ts = 160·(n+1)) with a 160-byte payload. */
  send(n: number, payload: Buffer, opts?: { ssrc?: number; to?: number; pt?: number; marker?: boolean }): void;
  until(pred: (p: RtpPacket[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createRtpPeer(targetPort: number, ssrc = 0x171ddb4f, seqBase = 53515): Promise<RtpPeer> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const received: RtpPacket[] = [];
  const watchers = new Set<() => void>();
  socket.on('message', (m) => {
    received.push(parseRtp(Buffer.from(m)));
    for (const w of [...watchers]) w();
  });
  return {
    socket,
    port: socket.address().port,
    received,
    send(n, payload, o = {}) {
      const pkt = encodeRtp({ payloadType: o.pt ?? 0, sequence: (seqBase + n) & 0xffff, timestamp: 160 * (n + 1), ssrc: o.ssrc ?? ssrc, marker: o.marker ?? false }, payload);
      socket.send(pkt, o.to ?? targetPort, '127.0.0.1');
    },
    until(pred) {
      if (pred(received)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const check = (): void => {
          if (pred(received)) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
      });
    },
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
