/** A plain TCP client that behaves like Asterisk's AudioSocket side (for transport tests). */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AudioSocketParser, encodeAudio, encodeDtmf, encodeUuid, type AudioSocketMessage } from '../../../engine/src/media/audiosocket/framing.js';

export interface AudioSocketPeer {
  socket: Socket;
  received: AudioSocketMessage[];
  closed: Promise<void>;
  sendAudio(pcm: Buffer, rate?: 8000 | 16000): void;
  sendDtmf(d: string): void;
  raw(b: Buffer): void;
  /** Resolves once `pred` holds for the received messages. */
  until(pred: (msgs: AudioSocketMessage[]) => boolean): Promise<void>;
  end(): Promise<void>;
}

/** Connects, then sends the UUID frame ~5 ms later as Asterisk does (unless uuid is undefined). */
export async function connectPeer(port: number, uuid: string | undefined): Promise<AudioSocketPeer> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const parser = new AudioSocketParser({ requireUuidFirst: false });
  const received: AudioSocketMessage[] = [];
  const watchers = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    parser.push(chunk, (m) => received.push(m.type === 'audio' ? { ...m, payload: Buffer.from(m.payload) } : m));
    for (const w of [...watchers]) w();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (uuid) {
    await sleep(5);
    socket.write(encodeUuid(uuid));
  }
  return {
    socket,
    received,
    closed,
    sendAudio: (pcm, rate = 8000) => socket.write(encodeAudio(pcm, rate)),
    sendDtmf: (d) => socket.write(encodeDtmf(d)),
    raw: (b) => socket.write(b),
    until(pred) {
      if (pred(received)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pred(received)) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
        socket.once('close', () => {
          if (watchers.delete(check)) {
            if (pred(received)) resolve();
            else reject(new Error(`peer closed before the condition held (${received.length} messages)`));
          }
        });
      });
    },
    async end() {
      socket.end();
      await closed;
    },
  };
}

export function audioOf(msgs: AudioSocketMessage[], opts: { includeSilence?: boolean } = {}): Buffer[] {
  return msgs.flatMap((m) => (m.type === 'audio' && (opts.includeSilence || m.payload.some((b) => b !== 0)) ? [m.payload] : []));
}
