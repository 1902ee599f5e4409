/**
 * Asterisk's end of one chan_websocket media connection (server mode), once
 * the app connected: MEDIA_START first, caller frames out as BINARY (only
 * when the caller sends some: no silence frames), DTMF_END per digit, the
 * app's commands and audio through the ChanWebSocketQueue model, one frame
 * per 20 ms tick to the bridged callers. Closing follows the captures
 * (../shared/fixtures/asterisk-22/websocket README §1–3): Asterisk's own hangup
 * → close 1000; the app's close → Asterisk answers 1001 and hangs up (cause 16);
 * a message over 65,527 bytes → close 1009 and hangup (cause 38); a dropped
 * TCP connection → hangup (cause 38). Records what happened, for tests.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { ChanWebSocketQueue, type QueueLevels } from './chan-websocket-queue.js';
import { decodeUlaw, downsample2, encodeUlaw, pcmFromBytes, pcmToBytes, rms, upsample2 } from './audio.js';

export type WebSocketFormat = 'slin' | 'slin16' | 'ulaw';

export interface WebSocketPeerInit {
  connectionId: string;
  channelName: string;
  channelId: string;
  format: WebSocketFormat;
  json: boolean;
  levels?: QueueLevels;
  /** Frames to the bridged callers (8 kHz PCM). */
  deliver(pcm8k: Int16Array): void;
  /** Asterisk hangs the channel up (cause as in the captures). */
  hangup(cause: number): void;
  /** The ANSWER command (only needed with transport_data=n). */
  answer(): void;
  /** Number of the shared clock's current 20 ms tick. */
  clockTick(): number;
}

export const FRAME_BYTES: Record<WebSocketFormat, number> = { slin16: 640, slin: 320, ulaw: 160 };

export class WebSocketPeer {
  readonly queue: ChanWebSocketQueue;
  readonly frameBytes: number;
  /** Frames played to the caller: when, on which tick of the shared clock, and whether they carried sound. */
  readonly played: Array<{ at: number; tick: number; loud: boolean }> = [];
  /** FLUSH_MEDIA commands: when they arrived (time, last tick before them) and how many frames they discarded. */
  readonly flushes: Array<{ at: number; tick: number; framesDiscarded: number }> = [];
  readonly commands: Array<{ at: number; text: string }> = [];
  /** BINARY messages from the app: arrival and size. */
  readonly binaries: Array<{ at: number; bytes: number }> = [];
  framesSent = 0;
  /** Close code Asterisk sent, and who started the close. */
  closeCode: number | undefined;
  closedBy: 'asterisk' | 'app' | 'drop' | 'oversize' | undefined;
  closed = false;
  private stalledUntil = 0;
  private closingByUs = false;
  private errorCode: string | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly init: WebSocketPeerInit,
  ) {
    this.frameBytes = FRAME_BYTES[init.format];
    this.queue = new ChanWebSocketQueue({ frameBytes: this.frameBytes, channelId: init.channelId, json: init.json, levels: init.levels });
    // Asterisk answers the app's close frame with 1001 (GOING_AWAY), whatever code the app used.
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) => close(this.closingByUs || code === 1009 ? code : 1001, reason);
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      this.errorCode = err.code;
    });
    ws.on('close', (code) => this.onClose(code));
  }

  /** MEDIA_START, exactly as chan_websocket writes it. */
  start(): void {
    const i = this.init;
    if (i.json) {
      const vars = { MEDIA_WEBSOCKET_CONNECTION_ID: i.connectionId, MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE: String(this.frameBytes) };
      this.ws.send(JSON.stringify({ event: 'MEDIA_START', connection_id: i.connectionId, channel: i.channelName, channel_id: i.channelId, format: i.format, optimal_frame_size: this.frameBytes, ptime: 20, channel_variables: vars }));
    } else {
      this.ws.send(`MEDIA_START connection_id:${i.connectionId} channel:${i.channelName} channel_id:${i.channelId} format:${i.format} optimal_frame_size:${this.frameBytes} ptime:20`);
    }
  }

  /** One 20 ms frame the bridge hands to this channel (8 kHz PCM from a caller). */
  sendAudio(pcm8k: Int16Array): void {
    if (this.closed || this.queue.direction === 'out') return;
    const f = this.init.format;
    const bytes = f === 'ulaw' ? encodeUlaw(pcm8k) : pcmToBytes(f === 'slin16' ? upsample2(pcm8k) : pcm8k);
    this.ws.send(bytes, { binary: true });
    this.framesSent++;
  }

  sendDtmf(digit: string): void {
    if (!this.closed) this.ws.send(this.queue.event('DTMF_END', { digit }));
  }

  /** The PBX stops playing out for a while (a loaded Asterisk); the queue keeps filling. */
  stall(ms: number): void {
    this.stalledUntil = performance.now() + ms;
  }

  /** One playout tick (the shared 20 ms clock of the fake's WebSocket channels). */
  tick(at: number): void {
    if (this.closed || at < this.stalledUntil) return;
    const r = this.queue.tick();
    if (r.frame) {
      const pcm = this.decode(r.frame);
      this.played.push({ at, tick: this.init.clockTick(), loud: rms(pcm) > 300 });
      if (this.played.length > 20_000) this.played.splice(0, 10_000);
      this.init.deliver(pcm);
    }
    for (const e of r.events) this.ws.send(e);
  }

  /** Asterisk hangs up: close 1000 (HANGUP, DELETE /channels, caller-side teardown by the app). */
  close(code = 1000): void {
    if (this.closed) return;
    this.closingByUs = true;
    this.closedBy ??= 'asterisk';
    this.closeCode = code;
    this.ws.close(code);
    const t = setTimeout(() => this.ws.terminate(), 1000);
    t.unref();
  }

  terminate(): void {
    this.closingByUs = true;
    this.ws.terminate();
  }

  /** The TCP connection breaks (no close frame): Asterisk hangs the channel up with cause 38, as captured. */
  drop(): void {
    this.closedBy = 'drop';
    this.terminate();
    this.init.hangup(38);
  }

  private decode(frame: Buffer): Int16Array {
    const f = this.init.format;
    if (f === 'ulaw') return decodeUlaw(frame);
    const pcm = pcmFromBytes(frame);
    return f === 'slin16' ? downsample2(pcm) : pcm;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.binaries.push({ at: performance.now(), bytes: data.length });
      for (const e of this.queue.binary(data)) this.ws.send(e);
      return;
    }
    const text = data.toString('utf8');
    const at = performance.now();
    this.commands.push({ at, text });
    const before = this.queue.queueLength;
    const flushesBefore = this.queue.stats.flushes;
    const r = this.queue.text(text);
    if (this.queue.stats.flushes > flushesBefore) this.flushes.push({ at, tick: this.init.clockTick(), framesDiscarded: before });
    for (const e of r.replies) this.ws.send(e);
    if (r.action === 'answer') this.init.answer();
    if (r.action === 'hangup') this.init.hangup(16);
  }

  private onClose(code: number): void {
    this.closed = true;
    if (this.closingByUs) return;
    if (this.errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.closedBy = 'oversize';
      this.closeCode = 1009;
      return this.init.hangup(38);
    }
    this.closedBy = code === 1006 ? 'drop' : 'app';
    this.closeCode = code === 1006 ? undefined : 1001;
    this.init.hangup(code === 1006 ? 38 : 16);
  }
}
