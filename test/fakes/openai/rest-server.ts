/**
 * Fake OpenAI REST API on a real socket (plain http; the SDK takes any
 * baseURL): Chat Completions with SSE streaming and tool calls,
 * `/audio/transcriptions` (multipart) and `/audio/speech` (pcm 24 kHz or wav).
 * Replies are scripted; `delayMs` is injected before the first token / first
 * audio byte (bench); requests are recorded for assertions. A chat or speech
 * request can fail on demand: an HTTP error (status, code) or the socket cut
 * in the middle of the answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tone } from './audio.js';

export type ChatReply = { text: string } | { tool: { name: string; arguments: Record<string, unknown> } };
/** How a request fails: an HTTP error answer, or `cut` (the connection dies after the first bytes of the answer). */
export type FakeFailure = { status: number; code?: string; type?: string } | 'cut';
type Json = Record<string, unknown>;
interface ChatMessage {
  role: string;
  content?: string | null;
  tool_call_id?: string;
}

export interface OpenAIRestFakeOptions {
  apiKey?: string;
  delayMs?: number;
  /** Wall time between streamed tokens. */
  tokenMs?: number;
  /** Chooses the reply from the request messages (default: tool result → "Done.", else "You said: <text>."). */
  chat?: (messages: ChatMessage[], tools: Json[]) => ChatReply;
  /** Transcripts returned by /audio/transcriptions, in order (then "hello"). */
  transcripts?: string[];
  /** Model ids listed by GET /models (Ollama style, e.g. "llama3.2:latest"). */
  models?: string[];
  /** The n-th chat request (0-based) fails so (undefined: answers). */
  failChat?: (n: number) => FakeFailure | undefined;
  /** The n-th speech request (0-based) fails so. */
  failSpeech?: (n: number) => FakeFailure | undefined;
}

let seq = 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Minimal multipart/form-data reader: field values and file sizes by name. */
export function parseMultipart(body: Buffer, contentType: string): Record<string, { value?: string; bytes?: Buffer; filename?: string }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const b = `--${boundary?.[1] ?? boundary?.[2] ?? ''}`;
  const out: Record<string, { value?: string; bytes?: Buffer; filename?: string }> = {};
  let pos = body.indexOf(b);
  while (pos >= 0) {
    const start = pos + b.length + 2;
    const headEnd = body.indexOf('\r\n\r\n', start);
    if (headEnd < 0) break;
    const head = body.subarray(start, headEnd).toString('utf8');
    const next = body.indexOf(b, headEnd);
    if (next < 0) break;
    const content = body.subarray(headEnd + 4, next - 2);
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name) out[name] = filename !== undefined ? { bytes: Buffer.from(content), filename } : { value: content.toString('utf8') };
    pos = next;
  }
  return out;
}

export class FakeOpenAIRest {
  readonly chatRequests: Json[] = [];
  readonly transcriptionRequests: Array<{ model?: string; fileBytes: number; filename?: string }> = [];
  readonly speechRequests: Json[] = [];
  /** performance.now() when each chat request arrived, and when its first token was sent (bench). */
  readonly chatArrivedAt: number[] = [];
  /** performance.now() when each streamed chat response ended, and when each speech request arrived. */
  readonly chatFinishedAt: number[] = [];
  readonly speechArrivedAt: number[] = [];
  /** performance.now() of every failure served (the last one is when the engine's retries ran out). */
  readonly failedAt: number[] = [];
  private server: Server;
  private sockets = new Set<Socket>();
  private transcriptIndex = 0;

  constructor(private readonly opts: OpenAIRestFakeOptions = {}) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Every tool result the engine sent back to the LLM (role: tool messages), first occurrence of each call id. */
  toolOutputs(): { toolCallId: string; content: string }[] {
    const seen = new Map<string, string>();
    for (const r of this.chatRequests) {
      for (const m of (r.messages as ChatMessage[] | undefined) ?? []) if (m.role === 'tool' && m.tool_call_id && !seen.has(m.tool_call_id)) seen.set(m.tool_call_id, String(m.content ?? ''));
    }
    return [...seen].map(([toolCallId, content]) => ({ toolCallId, content }));
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = await readBody(req);
    if (this.opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.opts.apiKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: (this.opts.models ?? []).map((id) => ({ id, object: 'model', created: 0, owned_by: 'library' })) }));
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(JSON.parse(body.toString('utf8')) as Json, res);
    if (req.method === 'POST' && path === '/v1/audio/transcriptions') {
      const form = parseMultipart(body, req.headers['content-type'] ?? '');
      this.transcriptionRequests.push({ model: form.model?.value, fileBytes: form.file?.bytes?.length ?? 0, filename: form.file?.filename });
      if (!form.file?.bytes || !form.model?.value) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: "Missing required parameter: 'file' or 'model'.", type: 'invalid_request_error' } }));
        return;
      }
      const text = this.opts.transcripts?.[this.transcriptIndex++] ?? 'hello';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text }));
      return;
    }
    if (req.method === 'POST' && path === '/v1/audio/speech') return this.speech(JSON.parse(body.toString('utf8')) as Json, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error' } }));
  }

  /** Serves `failure`: true when the request was answered with it. */
  private failWith(failure: FakeFailure | undefined, res: ServerResponse, contentType: string): boolean {
    if (!failure) return false;
    this.failedAt.push(performance.now());
    if (failure === 'cut') {
      res.writeHead(200, { 'content-type': contentType, 'transfer-encoding': 'chunked' });
      res.write(contentType === 'text/event-stream' ? 'data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Well"}}]}\n\n' : Buffer.alloc(4800));
      setTimeout(() => res.socket?.destroy(), 20);
      return true;
    }
    res.writeHead(failure.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `fake failure ${failure.status}`, type: failure.type ?? (failure.status >= 500 ? 'server_error' : 'invalid_request_error'), param: null, code: failure.code ?? null } }));
    return true;
  }

  private async chat(req: Json, res: ServerResponse): Promise<void> {
    this.chatRequests.push(req);
    this.chatArrivedAt.push(performance.now());
    if (this.failWith(this.opts.failChat?.(this.chatRequests.length - 1), res, 'text/event-stream')) return;
    const messages = (req.messages as ChatMessage[]) ?? [];
    const tools = (req.tools as Json[]) ?? [];
    const last = messages[messages.length - 1];
    const reply =
      this.opts.chat?.(messages, tools) ?? (last?.role === 'tool' ? { text: 'Done.' } : { text: `You said: ${String(last?.content ?? '')}.` });
    const id = `chatcmpl-${++seq}`;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: String(req.model), system_fingerprint: 'fp_fake' };
    if (req.stream !== true) {
      const message = 'tool' in reply
        ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${seq}`, type: 'function', function: { name: reply.tool.name, arguments: JSON.stringify(reply.tool.arguments) } }] }
        : { role: 'assistant', content: reply.text };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'tool' in reply ? 'tool_calls' : 'stop' }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: Json, finish: string | null = null) => res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);
    if (this.opts.delayMs) await sleep(this.opts.delayMs);
    chunk({ role: 'assistant', content: '' });
    if ('tool' in reply) {
      const args = JSON.stringify(reply.tool.arguments);
      chunk({ tool_calls: [{ index: 0, id: `call_${seq}`, type: 'function', function: { name: reply.tool.name, arguments: '' } }] });
      const mid = Math.ceil(args.length / 2);
      for (const part of [args.slice(0, mid), args.slice(mid)]) chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] });
      chunk({}, 'tool_calls');
    } else {
      const tokens = reply.text.match(/\S+\s*/g) ?? [];
      for (const t of tokens) {
        if (res.destroyed) return;
        chunk({ content: t });
        if (this.opts.tokenMs) await sleep(this.opts.tokenMs);
      }
      chunk({}, 'stop');
    }
    res.write('data: [DONE]\n\n');
    res.end();
    this.chatFinishedAt.push(performance.now());
  }

  private async speech(req: Json, res: ServerResponse): Promise<void> {
    this.speechRequests.push(req);
    this.speechArrivedAt.push(performance.now());
    if (this.failWith(this.opts.failSpeech?.(this.speechRequests.length - 1), res, 'audio/pcm')) return;
    const input = String(req.input ?? '');
    if (!input || !req.model || !req.voice) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: "Missing required parameter: 'input', 'model' or 'voice'.", type: 'invalid_request_error' } }));
      return;
    }
    const words = input.split(/\s+/).filter(Boolean).length;
    const pcm = tone(24000, Math.max(200, words * 60), 440, 6000);
    const format = req.response_format ?? 'mp3';
    if (format !== 'pcm') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `The fake only serves response_format pcm (got ${String(format)})`, type: 'invalid_request_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
    if (this.opts.delayMs) await sleep(this.opts.delayMs);
    // Odd-sized writes: the client must re-align samples itself.
    for (let off = 0; off < pcm.length; off += 4801) {
      res.write(pcm.subarray(off, off + 4801));
      await sleep(1);
    }
    res.end();
  }
}
