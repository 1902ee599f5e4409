/**
 * Fake OpenAI Realtime API (GA protocol) over wss: on a real socket, for the
 * `openai` SDK's OpenAIRealtimeWS. Serves TLS with the test-only certificate.
 *
 * Client events handled: session.update, input_audio_buffer.append/clear,
 * response.create, response.cancel, conversation.item.create. Server VAD is an
 * energy detector standing in for the real one: speech_started / speech_stopped,
 * committed, input transcription, then an automatic response. Replies are
 * scripted per user turn (the fake cannot understand audio). An injected
 * delay before each response's first audio delta lets the bench subtract a
 * known server time. Failures on demand: refuse new connections with an HTTP
 * status, drop every socket, a turn whose response fails (quota, server
 * error) or never comes. Message items the client creates (the history a
 * resumed session loads) are kept per connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { FakeWebSocketServer, type HttpRefusal, type ScriptedFakeOptions } from '../fake-websocket-server.js';
import { EnergyVad, tone, ulawToPcm16, pcm16ToUlaw } from './audio.js';

export type FakeReply =
  | { text: string; audioMs?: number }
  | { tool: { name: string; arguments: Record<string, unknown> } }
  /** response.done with status failed and this error (e.g. type insufficient_quota). */
  | { fail: { type: string; code?: string; message?: string } }
  /** No response at all (a stalled model). */
  | { silent: true };

export interface RealtimeFakeOptions extends ScriptedFakeOptions<FakeReply> {
  /** Never answer session.update (a stuck setup). */
  holdSession?: boolean;
}

type Json = Record<string, unknown>;

interface ActiveResponse {
  id: string;
  cancelled: boolean;
}

export interface RealtimeFakeConnection {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  received: Json[];
  session: Json;
  /** Function calls the fake model made, by call_id. */
  calls: Map<string, string>;
  /** Message items the client created (conversation.item.create), as role and text. */
  history: { role: string; text: string }[];
}

/** A tool result the engine sent back to the model (function_call_output), with the tool's name. */
export interface RealtimeToolOutput {
  name: string;
  callId: string;
  output: string;
}

let counter = 0;
const nextId = (p: string) => `${p}_${(++counter).toString(36).padStart(6, '0')}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const jsonError = (status: number, statusText: string, error: Json): HttpRefusal => ({ status, statusText, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error }) });

export class FakeOpenAIRealtime extends FakeWebSocketServer {
  readonly connections: RealtimeFakeConnection[] = [];
  /** performance.now() of each speech_stopped sent, and of the first delta after it (bench). */
  readonly speechStoppedAt: number[] = [];
  readonly firstDeltaAt: number[] = [];
  private turnIndex = 0;

  constructor(private readonly opts: RealtimeFakeOptions = {}) {
    super({ tls: true, apiKey: opts.apiKey, authScheme: 'Bearer' });
  }

  /** For the SDK's baseURL: https://127.0.0.1:<port>/v1 */
  get url(): string {
    return `https://127.0.0.1:${this.port}/v1`;
  }

  get baseUrl(): string {
    return this.url;
  }

  protected override acceptsPath(url: URL): boolean {
    return url.pathname === '/v1/realtime' && !!url.searchParams.get('model');
  }

  protected override unauthorized(): HttpRefusal {
    return jsonError(401, 'Unauthorized', { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' });
  }

  protected override refusal(status: number): HttpRefusal {
    return jsonError(status, 'Refused', { message: `refused with ${status}`, type: status >= 500 ? 'server_error' : 'invalid_request_error' });
  }

  protected override onRequest(_req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
  }

  /** Every client event of a type, across connections. */
  received(type: string): Json[] {
    return this.connections.flatMap((c) => c.received.filter((e) => e.type === type));
  }

  /** Every function_call_output the engine sent, with the name of the function it answers. */
  toolOutputs(): RealtimeToolOutput[] {
    return this.connections.flatMap((c) =>
      c.received
        .filter((e) => (e.item as Json | undefined)?.type === 'function_call_output')
        .map((e) => {
          const item = e.item as Json;
          return { name: c.calls.get(String(item.call_id)) ?? '?', callId: String(item.call_id), output: String(item.output) };
        }),
    );
  }

  protected override onConnection(ws: WebSocket, req: IncomingMessage): void {
    const calls = new Map<string, string>();
    const conn: RealtimeFakeConnection = { url: req.url ?? '', headers: req.headers, received: [], session: { type: 'realtime', object: 'realtime.session', id: nextId('sess') }, calls, history: [] };
    this.connections.push(conn);
    let active: ActiveResponse | undefined;
    let pendingTool: { name: string; output: string } | undefined;
    /** Assistant audio items and the ms of audio sent for each (for truncate). */
    const audioItems = new Map<string, number>();
    let itemId = '';
    const send = (e: Json) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: nextId('event'), ...e }));
    };
    const error = (clientEventId: unknown, code: string, message: string, param: string | null = null) =>
      send({ type: 'error', error: { type: 'invalid_request_error', code, message, param, event_id: clientEventId ?? null } });
    const audioIn = () => ((conn.session.audio as Json | undefined)?.input as Json | undefined) ?? {};
    const audioOut = () => ((conn.session.audio as Json | undefined)?.output as Json | undefined) ?? {};
    const isPcmu = (f: unknown) => (f as Json | undefined)?.type === 'audio/pcmu';
    const turnDetection = () => (audioIn().turn_detection as Json | null | undefined) ?? undefined;

    const respond = async (reply: FakeReply) => {
      if ('silent' in reply) return;
      const r: ActiveResponse = { id: nextId('resp'), cancelled: false };
      active = r;
      send({ type: 'response.created', response: { id: r.id, object: 'realtime.response', status: 'in_progress', output: [] } });
      if ('fail' in reply) {
        active = undefined;
        send({ type: 'response.done', response: { id: r.id, object: 'realtime.response', status: 'failed', status_details: { type: 'failed', error: reply.fail }, output: [] } });
        return;
      }
      if ('tool' in reply) {
        const callId = nextId('call');
        const args = JSON.stringify(reply.tool.arguments);
        const item = { id: nextId('item'), type: 'function_call', status: 'completed', call_id: callId, name: reply.tool.name, arguments: args };
        calls.set(callId, reply.tool.name);
        send({ type: 'response.output_item.added', response_id: r.id, output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
        send({ type: 'response.function_call_arguments.delta', response_id: r.id, item_id: item.id, output_index: 0, call_id: callId, delta: args });
        send({ type: 'response.function_call_arguments.done', response_id: r.id, item_id: item.id, output_index: 0, call_id: callId, name: item.name, arguments: args });
        send({ type: 'response.output_item.done', response_id: r.id, output_index: 0, item });
        send({ type: 'response.done', response: { id: r.id, object: 'realtime.response', status: 'completed', output: [item] } });
        active = undefined;
        return;
      }
      const item = { id: nextId('item'), type: 'message', role: 'assistant', status: 'in_progress', content: [] as Json[] };
      send({ type: 'response.output_item.added', response_id: r.id, output_index: 0, item });
      send({ type: 'response.content_part.added', response_id: r.id, item_id: item.id, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } });
      const pcmu = isPcmu(audioOut().format);
      const rate = pcmu ? 8000 : 24000;
      const chunkMs = this.opts.chunkMs ?? 100;
      const total = reply.audioMs ?? 600;
      const ids = { response_id: r.id, item_id: item.id, output_index: 0, content_index: 0 };
      if (this.opts.delayMs) await sleep(this.opts.delayMs);
      let first = true;
      for (let sent = 0; sent < total && !r.cancelled && ws.readyState === ws.OPEN; sent += chunkMs) {
        const pcm = tone(rate, Math.min(chunkMs, total - sent), 440, 6000);
        if (first) this.firstDeltaAt.push(performance.now());
        send({ type: 'response.output_audio.delta', ...ids, delta: (pcmu ? pcm16ToUlaw(pcm) : pcm).toString('base64') });
        audioItems.set(item.id, (audioItems.get(item.id) ?? 0) + Math.min(chunkMs, total - sent));
        if (first) send({ type: 'response.output_audio_transcript.delta', ...ids, delta: reply.text });
        first = false;
        await sleep(this.opts.paceMs ?? 20);
      }
      if (r.cancelled) return; // response.done (cancelled) was sent by cancel()
      send({ type: 'response.output_audio.done', ...ids });
      send({ type: 'response.output_audio_transcript.done', ...ids, transcript: reply.text });
      const doneItem = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript: reply.text }] };
      send({ type: 'response.output_item.done', response_id: r.id, output_index: 0, item: doneItem });
      send({ type: 'response.done', response: { id: r.id, object: 'realtime.response', status: 'completed', output: [doneItem] } });
      if (active === r) active = undefined;
    };

    const cancel = () => {
      const r = active;
      if (!r) return false;
      r.cancelled = true;
      active = undefined;
      send({ type: 'response.done', response: { id: r.id, object: 'realtime.response', status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' }, output: [] } });
      return true;
    };

    const nextTurn = () => {
      const t = this.opts.turns?.[this.turnIndex++];
      return t ?? { transcript: 'hello', reply: { text: 'I heard you.' } };
    };

    const vadFor = () =>
      new EnergyVad(
        { sampleRate: isPcmu(audioIn().format) ? 8000 : 24000, silenceMs: Number(turnDetection()?.silence_duration_ms ?? 500) },
        {
          start: (atMs) => {
            itemId = nextId('item');
            send({ type: 'input_audio_buffer.speech_started', audio_start_ms: atMs, item_id: itemId });
            if (turnDetection()?.interrupt_response !== false) cancel();
          },
          stop: (atMs) => {
            this.speechStoppedAt.push(performance.now());
            send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: atMs, item_id: itemId });
            send({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null });
            const turn = nextTurn();
            if (audioIn().transcription) {
              send({ type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript: turn.transcript });
            }
            if (turnDetection()?.create_response !== false) void respond(turn.reply);
          },
        },
      );
    let vad: EnergyVad | undefined;

    send({ type: 'session.created', session: conn.session });
    ws.on('message', (data) => {
      let e: Json;
      try {
        e = JSON.parse(data.toString()) as Json;
      } catch {
        error(null, 'invalid_json', 'The server could not parse the message as JSON.');
        return;
      }
      conn.received.push(e);
      switch (e.type) {
        case 'session.update': {
          const s = e.session as Json | undefined;
          if (!s || s.type !== 'realtime') {
            error(e.event_id, 'missing_required_parameter', "Missing required parameter: 'session.type'.", 'session.type');
            return;
          }
          conn.session = { ...conn.session, ...s };
          vad = undefined;
          if (this.opts.holdSession) return;
          send({ type: 'session.updated', session: conn.session });
          return;
        }
        case 'input_audio_buffer.append': {
          const audio = Buffer.from(String(e.audio ?? ''), 'base64');
          vad ??= vadFor();
          vad.push(isPcmu(audioIn().format) ? ulawToPcm16(audio) : audio);
          return;
        }
        case 'input_audio_buffer.clear':
          send({ type: 'input_audio_buffer.cleared' });
          return;
        case 'response.create': {
          if (active) {
            error(e.event_id, 'conversation_already_has_active_response', `Conversation already has an active response in progress: ${active.id}. Wait until the response is finished before creating a new one.`);
            return;
          }
          const resp = e.response as Json | undefined;
          let reply: FakeReply;
          if (pendingTool) {
            reply = this.opts.afterTool?.(pendingTool.name, pendingTool.output) ?? { text: 'Done.' };
            pendingTool = undefined;
          } else if (typeof resp?.instructions === 'string') {
            reply = { text: resp.instructions };
          } else reply = { text: 'How can I help?' };
          void respond(reply);
          return;
        }
        case 'response.cancel':
          if (!cancel()) error(e.event_id, 'response_cancel_not_active', 'Cancellation failed: no active response found');
          return;
        case 'conversation.item.truncate': {
          const id = String(e.item_id ?? '');
          if (!audioItems.has(id)) {
            error(e.event_id, 'invalid_value', `Item with item_id '${id}' not found.`, 'item_id');
            return;
          }
          const ms = Number(e.audio_end_ms);
          if (!Number.isFinite(ms) || ms < 0 || ms > audioItems.get(id)!) {
            error(e.event_id, 'invalid_value', `Audio content of ${audioItems.get(id)}ms is shorter than ${String(e.audio_end_ms)}ms.`, 'audio_end_ms');
            return;
          }
          send({ type: 'conversation.item.truncated', item_id: id, content_index: Number(e.content_index ?? 0), audio_end_ms: ms });
          return;
        }
        case 'conversation.item.create': {
          const item = e.item as Json | undefined;
          if (item?.type === 'function_call_output') {
            const name = calls.get(String(item.call_id));
            if (!name) {
              error(e.event_id, 'invalid_value', `Tool call ID '${String(item.call_id)}' not found in conversation.`, 'item.call_id');
              return;
            }
            pendingTool = { name, output: String(item.output) };
          }
          if (item?.type === 'message' && Array.isArray(item.content)) {
            conn.history.push({ role: String(item.role), text: (item.content as Json[]).map((c) => String(c.text ?? '')).join(' ') });
          }
          const added = { id: nextId('item'), ...item, status: 'completed' };
          send({ type: 'conversation.item.added', previous_item_id: null, item: added });
          send({ type: 'conversation.item.done', previous_item_id: null, item: added });
          return;
        }
        default:
          error(e.event_id, 'invalid_value', `Invalid value: '${String(e.type)}'. Supported values are: 'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', and 'response.cancel'.`, 'type');
      }
    });
    ws.on('close', () => {
      if (active) active.cancelled = true;
    });
  }
}
