/**
 * Fake Deepgram speech APIs on one real socket: streaming STT over
 * WebSocket `/v1/listen` (Results, SpeechStarted, Finalize → from_finalize,
 * KeepAlive, CloseStream → Metadata + close) and Aura TTS over REST
 * `POST /v1/speak` (raw linear16/mulaw at the requested rate).
 * Transcripts are scripted per detected utterance; `delayMs` is injected
 * before each final result and each speak response's first byte.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { FakeWebSocketServer } from '../fake-websocket-server.js';
import { EnergyVad, tone, pcm16ToUlaw, ulawToPcm16 } from '../openai/audio.js';

export interface ListenSpeakFakeOptions {
  apiKey?: string;
  delayMs?: number;
  transcripts?: string[];
}

type Json = Record<string, unknown>;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FakeDeepgramSpeech extends FakeWebSocketServer {
  readonly listenConnections: Array<{ query: Record<string, string>; received: Json[]; audioBytes: number; keepAlives: number }> = [];
  readonly speakRequests: Array<{ query: Record<string, string>; text: string }> = [];
  readonly speechStoppedAt: number[] = [];
  private transcriptIndex = 0;

  constructor(private readonly opts: ListenSpeakFakeOptions = {}) {
    super({ apiKey: opts.apiKey, authScheme: 'Token' });
  }

  /** REST base (the STT adapter derives ws:// from it). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected override acceptsPath(url: URL): boolean {
    return url.pathname === '/v1/listen';
  }

  /** Aura TTS: POST /v1/speak. */
  protected override onRequest(req: IncomingMessage, res: ServerResponse): void {
    void this.speak(req, res);
  }

  private async speak(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!this.authorized(req)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: 'fake' }));
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/speak') {
      res.writeHead(404);
      res.end();
      return;
    }
    const parts: Buffer[] = [];
    for await (const p of req) parts.push(p as Buffer);
    const text = String((JSON.parse(Buffer.concat(parts).toString('utf8')) as Json).text ?? '');
    const query = Object.fromEntries(url.searchParams);
    this.speakRequests.push({ query, text });
    const rate = Number(query.sample_rate ?? 24000);
    const pcm = tone(rate, Math.max(200, text.split(/\s+/).length * 60), 440, 6000);
    const audio = query.encoding === 'mulaw' ? pcm16ToUlaw(pcm) : pcm;
    res.writeHead(200, { 'content-type': 'audio/l16', 'dg-request-id': 'fake', 'transfer-encoding': 'chunked' });
    if (this.opts.delayMs) await sleep(this.opts.delayMs);
    for (let off = 0; off < audio.length; off += 3201) res.write(audio.subarray(off, off + 3201));
    res.end();
  }

  /** Streaming STT: one WebSocket per /v1/listen. */
  protected override onConnection(ws: WebSocket, _req: IncomingMessage, url: URL): void {
    const query = Object.fromEntries(url.searchParams);
    const conn = { query, received: [] as Json[], audioBytes: 0, keepAlives: 0 };
    this.listenConnections.push(conn);
    const rate = Number(query.sample_rate ?? 16000);
    const bytesPerSec = query.encoding === 'mulaw' ? rate : rate * 2;
    const requestId = `req-${this.listenConnections.length}`;
    let pending: string | undefined;
    let startSec = 0;
    const send = (e: Json) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
    };
    const results = (transcript: string, fromFinalize: boolean) => {
      const now = conn.audioBytes / bytesPerSec;
      send({
        type: 'Results',
        channel_index: [0, 1],
        duration: Math.max(0, now - startSec),
        start: startSec,
        is_final: true,
        speech_final: !fromFinalize,
        from_finalize: fromFinalize,
        channel: { alternatives: [{ transcript, confidence: transcript ? 0.98 : 0, words: [] }] },
        metadata: { request_id: requestId, model_info: { name: query.model ?? 'nova-3', version: 'fake', arch: 'fake' }, model_uuid: 'fake' },
      });
    };
    const vad = new EnergyVad(
      { sampleRate: rate, silenceMs: 300 },
      {
        start: (atMs) => {
          startSec = atMs / 1000;
          pending = this.opts.transcripts?.[this.transcriptIndex++] ?? 'hello';
          send({ type: 'SpeechStarted', channel: [0, 1], timestamp: startSec });
        },
        stop: () => {
          this.speechStoppedAt.push(performance.now());
          const t = pending ?? '';
          pending = undefined;
          void (async () => {
            if (this.opts.delayMs) await sleep(this.opts.delayMs);
            results(t, false);
          })();
        },
      },
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const buf = data as Buffer;
        conn.audioBytes += buf.length;
        vad.push(query.encoding === 'mulaw' ? ulawToPcm16(buf) : buf);
        return;
      }
      const e = JSON.parse(data.toString()) as Json;
      conn.received.push(e);
      if (e.type === 'KeepAlive') conn.keepAlives++;
      else if (e.type === 'Finalize') {
        const t = pending ?? '';
        pending = undefined;
        results(t, true);
      } else if (e.type === 'CloseStream') {
        send({ type: 'Metadata', transaction_key: 'deprecated', request_id: requestId, duration: conn.audioBytes / bytesPerSec, channels: 1 });
        ws.close(1000);
      }
    });
  }
}
