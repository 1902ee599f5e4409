/**
 * One call's OpenAI Realtime session over the official SDK's WebSocket
 * client (`OpenAIRealtimeWS`): GA session.update, caller audio via
 * input_audio_buffer.append, agent audio from response.output_audio.delta,
 * server-VAD barge-in (drop + response.cancel), tools via
 * function_call_output + response.create after the parent response is done.
 * A resumed session (after a dropped socket) loads the conversation so far
 * as items and answers the caller's last turn if it was left unanswered.
 * Failures are ProviderErrors: HTTP status at connect, a failed response
 * (quota, server error), the socket closing mid-call (`socket_drop`).
 */
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { ProviderSession, SessionInit } from '../provider.js';
import { bytesToMs, type AudioFormat } from '../../media/audio-format.js';
import { TurnMarks } from '../turn-marks.js';
import type { RealtimeSessionDeps } from '../realtime/realtime-provider.js';
import { buildSessionUpdate, historyItems, sayInstructions, BENIGN_ERROR_CODES, type OpenAIRealtimeConfig } from './session-config.js';
import { ProviderError, errorText, reasonForApiError, reasonForStatus } from '../provider-errors.js';

type ServerEvent = { type: string; [k: string]: unknown };
interface FunctionCallItem {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}


const CONNECT_TIMEOUT_MS = 15_000;

export class OpenAIRealtimeSession implements ProviderSession {
  private rt: OpenAIRealtimeWS | undefined;
  private ready = false;
  private closing = false;
  private failed = false;
  private activeResponse: string | undefined;
  /** Responses whose remaining audio is dropped (barge-in). */
  private dropped = new Set<string>();
  /** Tool runs per parent response id. */
  private toolRuns = new Map<string, Promise<void>[]>();
  private waiters: Array<() => void> = [];
  private marks: TurnMarks;
  private audioInResponse = false;
  /** The agent audio item playing last: for conversation.item.truncate on barge-in. */
  private lastAudio: { itemId: string; firstAt: number; ms: number } | undefined;
  /** say() calls waiting for their response to finish. */
  private sayDone: Array<() => void> = [];

  constructor(
    private readonly config: OpenAIRealtimeConfig,
    private readonly init: SessionInit,
    private readonly format: AudioFormat,
    private readonly deps: RealtimeSessionDeps,
  ) {
    this.marks = new TurnMarks(init.sink);
  }

  async start(): Promise<void> {
    const client = new OpenAI({ apiKey: this.deps.apiKey, ...(this.config.base_url ? { baseURL: this.config.base_url } : {}) });
    let ca: Buffer | undefined;
    if (this.config.ca_file) {
      try {
        ca = readFileSync(this.config.ca_file);
      } catch (err) {
        throw new Error(`providers.openai_realtime.ca_file: cannot read ${this.config.ca_file} (${(err as Error).message})`);
      }
    }
    const rt = new OpenAIRealtimeWS({ model: this.config.model, options: { handshakeTimeout: CONNECT_TIMEOUT_MS, ...(ca ? { ca } : {}) } }, client);
    this.rt = rt;
    rt.on('error', (err) => this.onApiError(err as Error & { error?: { code?: string; message?: string } }));
    rt.on('event', (e) => this.onEvent(e as unknown as ServerEvent));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ProviderError('connect_failed', `OpenAI Realtime: no session.updated within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      rt.socket.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        fail(new ProviderError(reasonForStatus(status) ?? 'connect_failed', `OpenAI Realtime: connection refused with HTTP ${status}${status === 401 ? ' (check the API key)' : ''}`, status));
      });
      rt.socket.once('error', (err) => fail(new ProviderError('connect_failed', `OpenAI Realtime: ${errorText(err)}`)));
      rt.socket.once('close', (code) => fail(new ProviderError('connect_failed', `OpenAI Realtime: socket closed during setup (code ${code})`)));
      rt.socket.once('open', () => {
        rt.send(buildSessionUpdate(this.config, { instructions: this.init.instructions, tools: this.init.tools, format: this.format }) as never);
      });
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    rt.socket.removeAllListeners('unexpected-response');
    rt.socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
    const history = this.init.history ?? [];
    for (const item of historyItems(history)) rt.send(item as never);
    if (this.init.greeting.trim()) this.createResponse(sayInstructions(this.init.greeting));
    else if (history.at(-1)?.role === 'caller') this.createResponse();
  }

  sendAudio(chunk: Buffer): void {
    if (!this.ready || this.closing || !this.rt || this.rt.socket.readyState !== 1) return;
    this.rt.send({ type: 'input_audio_buffer.append', audio: chunk.toString('base64') });
  }

  sendDtmf(digit: string): void {
    if (!this.ready || this.closing) return;
    this.rt?.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `The caller pressed ${digit} on the keypad.` }] },
    });
  }

  interrupt(): void {
    this.cancelActive();
    this.truncateHeard();
  }

  async say(text: string): Promise<void> {
    if (this.closing) return;
    if (!this.ready || this.failed || this.rt?.socket.readyState !== 1) throw new Error('OpenAI Realtime: cannot speak, the connection is not open');
    if (this.activeResponse) this.cancelActive();
    await new Promise<void>((resolve) => {
      this.sayDone.push(resolve);
      this.createResponse(sayInstructions(text));
    });
  }
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const r of this.sayDone.splice(0)) r();
    const rt = this.rt;
    if (!rt) return;
    const sock = rt.socket;
    if (sock.readyState === 3) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        sock.terminate();
        resolve();
      }, 1000);
      sock.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      try {
        rt.close({ code: 1000, reason: 'call ended' });
      } catch {
        sock.terminate();
      }
    });
  }

  private createResponse(instructions?: string): void {
    this.audioInResponse = false;
    this.rt?.send({ type: 'response.create', ...(instructions ? { response: { instructions } } : {}) });
  }

  /**
   * The caller cut in: tell the model how much of its last audio item was
   * heard (estimated from when its first chunk went out), so the conversation
   * does not contain words the caller never heard.
   */
  private truncateHeard(): void {
    const last = this.lastAudio;
    if (!last) return;
    this.lastAudio = undefined;
    const heardMs = Math.floor(performance.now() - last.firstAt);
    if (heardMs >= last.ms) return; // it had finished playing
    this.rt?.send({ type: 'conversation.item.truncate', item_id: last.itemId, content_index: 0, audio_end_ms: Math.max(0, heardMs) });
  }

  private cancelActive(): void {
    const id = this.activeResponse;
    if (!id) return;
    this.dropped.add(id);
    this.marks.close();
    this.rt?.send({ type: 'response.cancel' });
  }

  private onEvent(e: ServerEvent): void {
    const sink = this.init.sink;
    switch (e.type) {
      case 'session.updated':
        if (!this.ready) {
          this.ready = true;
          for (const w of this.waiters.splice(0)) w();
        }
        return;
      case 'input_audio_buffer.speech_started':
        sink.bargeIn();
        this.cancelActive();
        this.truncateHeard();
        return;
      case 'input_audio_buffer.speech_stopped':
        this.marks.endOfSpeech();
        return;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof e.transcript === 'string' && e.transcript.trim()) sink.transcript('caller', e.transcript.trim(), true);
        return;
      case 'response.created':
        this.activeResponse = (e.response as { id?: string } | undefined)?.id;
        this.audioInResponse = false;
        return;
      case 'response.output_audio_transcript.delta':
        this.marks.mark('llm_first_token');
        return;
      case 'response.output_audio.delta': {
        if (this.dropped.has(String(e.response_id))) return;
        this.marks.mark('llm_first_token');
        this.marks.mark('tts_first_byte');
        this.audioInResponse = true;
        const audio = Buffer.from(String(e.delta), 'base64');
        const item = String(e.item_id);
        if (this.lastAudio?.itemId !== item) this.lastAudio = { itemId: item, firstAt: performance.now(), ms: 0 };
        this.lastAudio.ms += bytesToMs(this.format, audio.length);
        sink.audio(audio);
        return;
      }
      case 'response.output_audio_transcript.done':
        if (typeof e.transcript === 'string' && e.transcript.trim()) sink.transcript('agent', e.transcript.trim(), true);
        return;
      case 'response.output_item.done': {
        const item = e.item as FunctionCallItem | undefined;
        if (item?.type === 'function_call') this.runTool(String(e.response_id), item);
        return;
      }
      case 'response.done':
        void this.onResponseDone(e.response as { id: string; status: string });
        return;
      default:
        return;
    }
  }

  private runTool(responseId: string, item: FunctionCallItem): void {
    const run = (async () => {
      let args: unknown = {};
      try {
        args = item.arguments ? JSON.parse(item.arguments) : {};
      } catch {
        this.init.log.warn({ tool: item.name }, 'OpenAI Realtime sent unparsable tool arguments');
      }
      const result = await this.init.sink.callTool(item.name, args).catch((err: unknown) => ({ ok: false, output: { error: errorText(err) } }));
      if (this.closing) return;
      this.rt?.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: item.call_id, output: JSON.stringify(result.output) } });
    })();
    const list = this.toolRuns.get(responseId) ?? [];
    list.push(run);
    this.toolRuns.set(responseId, list);
  }

  private async onResponseDone(resp: { id: string; status: string; status_details?: { error?: { type?: string; code?: string; message?: string } } }): Promise<void> {
    if (this.activeResponse === resp.id) this.activeResponse = undefined;
    if (resp.status === 'failed') return this.responseFailed(resp.status_details?.error);
    const hadAudio = this.audioInResponse && !this.dropped.has(resp.id);
    this.dropped.delete(resp.id);
    const tools = this.toolRuns.get(resp.id);
    this.toolRuns.delete(resp.id);
    if (hadAudio) {
      this.marks.close();
      this.init.sink.agentDone();
    }
    if (!tools?.length) {
      for (const r of this.sayDone.splice(0)) r();
      return;
    }
    await Promise.all(tools);
    if (this.closing || resp.status === 'cancelled') return;
    // Parent response is done and every output is in: let the model continue.
    if (this.activeResponse) return;
    this.createResponse();
  }

  /** A response the model could not produce (quota, rate limit, server error): this session cannot answer. */
  private responseFailed(e: { type?: string; code?: string; message?: string } | undefined): void {
    for (const r of this.sayDone.splice(0)) r();
    if (this.closing || this.failed) return;
    this.failed = true;
    const message = `OpenAI Realtime response failed: ${e?.code ?? e?.type ?? 'unknown'}${e?.message ? ` (${e.message})` : ''}`;
    this.deps.onError(message);
    this.init.sink.error(new ProviderError(reasonForApiError(e, 'llm_error'), message), true);
  }

  private onApiError(err: Error & { error?: { code?: string; message?: string; type?: string } }): void {
    const code = err.error?.code;
    if (code && BENIGN_ERROR_CODES.has(code)) {
      this.init.log.debug({ code }, 'OpenAI Realtime: benign race ignored');
      return;
    }
    const message = err.error ? `OpenAI Realtime error ${code ?? err.error.type ?? ''}: ${err.error.message ?? ''}` : `OpenAI Realtime: ${errorText(err)}`;
    if (!err.error) return; // socket-level errors are reported by 'close'
    this.deps.onError(message);
    this.init.log.warn({ code, type: err.error.type }, message);
    // Out of quota: no response will come; anything else is one request the model refused.
    const quota = reasonForApiError(err.error, 'llm_error') === 'quota';
    if (quota && !this.failed) this.failed = true;
    this.init.sink.error(quota ? new ProviderError('quota', message) : new Error(message), quota);
  }

  private onClose(code: number, reason: string): void {
    for (const r of this.sayDone.splice(0)) r();
    if (this.closing || this.failed) return;
    this.failed = true;
    const message = `OpenAI Realtime connection closed (code ${code}${reason ? `, ${reason}` : ''})`;
    this.deps.onError(message);
    this.init.log.warn({ code }, message);
    this.init.sink.error(new ProviderError('socket_drop', message), true);
  }
}
