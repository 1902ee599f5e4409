/**
 * Asterisk's side of an AudioSocket connection (chan_audiosocket), as the
 * captures in ../shared/fixtures/asterisk-22/audiosocket/ show it: connects
 * during the ARI request, sends the 0x01 UUID frame ~5 ms later, audio as
 * 0x10 (slin) or 0x12 (slin16) frames of 20 ms, DTMF as 0x03 (one ASCII
 * byte), and on hangup only a TCP FIN (never 0x00/0xff). Frames are written
 * and read here, independently of the engine's framing, so a framing bug on
 * either side shows. The fake Asterisk's legs and the transport tests
 * (test/media/) both use it.
 */
import { connect, type Socket } from 'node:net';
import { pcmViewOfBytes, pcmToBytes, upsample2, downsample2 } from './audio.js';

export const AS_HANGUP = 0x00;
export const AS_UUID = 0x01;
export const AS_DTMF = 0x03;
export const AS_SLIN = 0x10;
export const AS_SLIN16 = 0x12;
export const AS_ERROR = 0xff;

/** A frame the engine sent, as the peer read it. */
export type AudioSocketFrame =
  | { type: 'audio'; sampleRate: 8000 | 16000; payload: Buffer }
  | { type: 'dtmf'; digit: string }
  | { type: 'hangup' }
  | { type: 'error'; payload: Buffer }
  | { type: 'other'; code: number; payload: Buffer };

/** Frames kept in `received` (older ones are dropped first): 400 s of audio. */
const KEEP_FRAMES = 20_000;
const EMPTY = Buffer.alloc(0);

export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function frame(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(3);
  head[0] = type;
  head.writeUInt16BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

export interface AudioSocketPeerEvents {
  /** 8 kHz PCM received from the engine. */
  onAudio(pcm: Int16Array): void;
  /** The engine sent 0x00 (hangup) or closed the socket. */
  onRemoteHangup(reason: 'hangup_frame' | 'closed' | 'error_frame'): void;
}

/** The payloads of the audio frames in `frames`; only those with sound unless `includeSilence`. */
export function audioOf(frames: AudioSocketFrame[], opts: { includeSilence?: boolean } = {}): Buffer[] {
  return frames.flatMap((m) => (m.type === 'audio' && (opts.includeSilence || m.payload.some((b) => b !== 0)) ? [m.payload] : []));
}

export class AudioSocketPeer {
  readonly socket: Socket;
  readonly sampleRate: 8000 | 16000;
  framesSent = 0;
  framesReceived = 0;
  bytesReceived = 0;
  errorFrames = 0;
  /** Types of frames received, in order of first appearance. */
  readonly receivedTypes = new Set<number>();
  /** Every frame received, in order (the last KEEP_FRAMES; none when opened with keepFrames false). */
  readonly received: AudioSocketFrame[] = [];
  /** Resolves once the socket closed (either side). */
  readonly whenClosed: Promise<void>;
  /** The start of a frame whose end has not arrived yet. */
  private buf: Buffer = EMPTY;
  private closedByUs = false;
  private readonly watchers = new Set<() => void>();
  closed = false;

  private constructor(
    socket: Socket,
    sampleRate: 8000 | 16000,
    private readonly events: Partial<AudioSocketPeerEvents>,
    private readonly keepFrames: boolean,
  ) {
    this.socket = socket;
    this.sampleRate = sampleRate;
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    socket.on('error', () => {});
    this.whenClosed = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        if (!this.closedByUs) this.events.onRemoteHangup?.('closed');
        for (const w of [...this.watchers]) w();
        resolve();
      }),
    );
  }

  /**
   * Connects like chan_audiosocket; rejects when nothing listens (the ARI request then fails with 500).
   * `uuid` undefined: no UUID frame (tests of a first frame that is not one). `keepFrames` false: nothing kept
   * in `received` (the counters and events stay).
   */
  static open(
    host: string,
    port: number,
    uuid: string | undefined,
    format: 'slin' | 'slin16',
    events: Partial<AudioSocketPeerEvents> = {},
    opts: { keepFrames?: boolean } = {},
  ): Promise<AudioSocketPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      const fail = (err: Error) => reject(err);
      s.once('error', fail);
      s.once('connect', () => {
        s.off('error', fail);
        const peer = new AudioSocketPeer(s, format === 'slin16' ? 16000 : 8000, events, opts.keepFrames ?? true);
        if (uuid !== undefined) {
          setTimeout(() => {
            if (!peer.closed) s.write(frame(AS_UUID, uuidToBytes(uuid)));
          }, 5);
        }
        resolve(peer);
      });
    });
  }

  /** One 20 ms frame of 8 kHz PCM (160 samples), converted to the leg's format. */
  sendAudio(pcm8k: Int16Array): void {
    if (this.closed) return;
    const pcm = this.sampleRate === 16000 ? upsample2(pcm8k) : pcm8k;
    // One buffer per frame, header and samples written in place (the bench runs hundreds of these per tick).
    const out = Buffer.allocUnsafe(3 + pcm.length * 2);
    out[0] = this.sampleRate === 16000 ? AS_SLIN16 : AS_SLIN;
    out.writeUInt16BE(pcm.length * 2, 1);
    pcmToBytes(pcm, out, 3);
    this.socket.write(out);
    this.framesSent++;
  }

  sendDtmf(digit: string): void {
    if (!this.closed) this.socket.write(frame(AS_DTMF, Buffer.from(digit, 'ascii')));
  }

  /** Raw bytes (tests of the engine's parser: split/coalesced frames, oversize, bad first frame). */
  writeRaw(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Hangup as Asterisk does it: TCP FIN, no AudioSocket message. */
  close(): void {
    if (this.closed) return;
    this.closedByUs = true;
    this.socket.end();
    this.socket.destroySoon?.();
  }

  /** Resolves once `holds` is true of the frames received; rejects if the socket closes first. */
  until(holds: (frames: AudioSocketFrame[]) => boolean): Promise<void> {
    if (holds(this.received)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (holds(this.received)) {
          this.watchers.delete(check);
          resolve();
        } else if (this.closed) {
          this.watchers.delete(check);
          reject(new Error(`AudioSocket peer closed before the condition held (${this.received.length} frames received)`));
        }
      };
      this.watchers.add(check);
      if (this.closed) check();
    });
  }

  private onData(d: Buffer): void {
    // Frames are read at an offset into the chunk; only a partial frame at its end is kept for the next one.
    const buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    while (buf.length - off >= 3) {
      const type = buf[off]!;
      const len = (buf[off + 1]! << 8) | buf[off + 2]!;
      if (buf.length - off < 3 + len) break;
      // A copy of its own (the chunk is the socket's), which the decoded samples then share.
      const payload = Buffer.allocUnsafe(len);
      buf.copy(payload, 0, off + 3, off + 3 + len);
      off += 3 + len;
      this.receivedTypes.add(type);
      this.framesReceived++;
      if (this.keepFrames) this.record(type, payload);
      if (type === AS_SLIN || type === AS_SLIN16) {
        this.bytesReceived += len;
        const pcm = pcmViewOfBytes(payload);
        this.events.onAudio?.(type === AS_SLIN16 ? downsample2(pcm) : pcm);
      } else if (type === AS_HANGUP) {
        this.events.onRemoteHangup?.('hangup_frame');
      } else if (type === AS_ERROR) {
        this.errorFrames++;
        this.events.onRemoteHangup?.('error_frame');
      }
    }
    this.buf = off === buf.length ? EMPTY : buf.subarray(off);
    if (this.watchers.size > 0) for (const w of [...this.watchers]) w();
  }

  private record(type: number, payload: Buffer): void {
    const f: AudioSocketFrame =
      type === AS_SLIN || type === AS_SLIN16
        ? { type: 'audio', sampleRate: type === AS_SLIN16 ? 16000 : 8000, payload }
        : type === AS_DTMF
          ? { type: 'dtmf', digit: payload.toString('ascii') }
          : type === AS_HANGUP
            ? { type: 'hangup' }
            : type === AS_ERROR
              ? { type: 'error', payload }
              : { type: 'other', code: type, payload };
    this.received.push(f);
    if (this.received.length > KEEP_FRAMES) this.received.splice(0, this.received.length - KEEP_FRAMES / 2);
  }
}
