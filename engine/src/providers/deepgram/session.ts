/**
 * One call's Deepgram Voice Agent session over @deepgram/sdk's agent client:
 * one Settings message, caller audio held until SettingsApplied, KeepAlive
 * every 10 s, transcripts from ConversationText, barge-in on
 * UserStartedSpeaking, tools via FunctionCallRequest/FunctionCallResponse.
 * A resumed session (after a dropped socket) sends the conversation so far
 * as `agent.context` history; a caller's turn left unanswered is injected
 * again so the agent answers it. A socket closing mid-call is `socket_drop`.
 */
import { createClient, AgentEvents, type AgentLiveClient } from '@deepgram/sdk';
import WebSocket from 'ws';
import type { ProviderSession, SessionInit } from '../provider.js';
import type { AudioFormat } from '../../media/audio-format.js';
import { bytesToMs } from '../../media/audio-format.js';
import { TurnMarks } from '../turn-marks.js';
import type { RealtimeSessionDeps } from '../realtime/realtime-provider.js';
import { buildAgentSettings, KEEPALIVE_INTERVAL_MS, type DeepgramAgentConfig } from './settings.js';
import { ProviderError, errorText, httpStatusOf, reasonForStatus } from '../provider-errors.js';

type Msg = { type?: string; [k: string]: unknown };
interface FunctionCall {
  id: string;
  name: string;
  arguments: string;
  client_side?: boolean;
}

const SETUP_TIMEOUT_MS = 15_000;
/** Caller audio kept while waiting for SettingsApplied (older audio is dropped). */
const HOLD_MS = 1000;

export class DeepgramAgentSession implements ProviderSession {
  private agent: AgentLiveClient | undefined;
  private applied = false;
  private closing = false;
  private failed = false;
  private held: Buffer[] = [];
  private heldMs = 0;
  private keepAlive: NodeJS.Timeout | undefined;
  /** Drop agent audio after a barge-in until the next AgentStartedSpeaking. */
  private dropping = false;
  private speaking = false;
  private sayWaiters: Array<() => void> = [];
  private marks: TurnMarks;
  /** Rejects a start() still waiting for SettingsApplied (close() during setup). */
  private abortStart: (() => void) | undefined;

  constructor(
    private readonly config: DeepgramAgentConfig,
    private readonly init: SessionInit,
    private readonly format: AudioFormat,
    private readonly deps: RealtimeSessionDeps & { keepAliveMs?: number },
  ) {
    this.marks = new TurnMarks(init.sink);
  }

  async start(): Promise<void> {
    const client = createClient(this.deps.apiKey, {
      global: { websocket: { client: WebSocket as never } },
      ...(this.config.url ? { agent: { websocket: { options: { url: this.config.url } } } } : {}),
    });
    const agent = client.agent();
    this.agent = agent;
    // A caller's turn the dropped session left unanswered is asked again once the settings are applied.
    const history = this.init.history ?? [];
    const unanswered = history.at(-1)?.role === 'caller' ? history.at(-1)!.text : undefined;
    const context = unanswered ? history.slice(0, -1) : history;
    const settings = buildAgentSettings(this.config, { instructions: this.init.instructions, greeting: this.init.greeting, tools: this.init.tools, format: this.format, history: context });
    agent.on(AgentEvents.Welcome, (m: Msg) => this.init.log.debug({ requestId: m.request_id }, 'Deepgram Agent welcome'));
    agent.on(AgentEvents.ConversationText, (m: Msg) => this.onText(m));
    agent.on(AgentEvents.UserStartedSpeaking, () => {
      this.dropping = true;
      this.init.sink.bargeIn();
      this.marks.close();
    });
    agent.on(AgentEvents.AgentStartedSpeaking, () => {
      this.dropping = false;
      this.speaking = true;
    });
    agent.on(AgentEvents.Audio, (data: Buffer) => {
      if (this.dropping || this.closing) return;
      this.marks.mark('llm_first_token');
      this.marks.mark('tts_first_byte');
      this.init.sink.audio(data);
    });
    agent.on(AgentEvents.AgentAudioDone, () => {
      this.speaking = false;
      this.marks.close();
      if (!this.dropping) this.init.sink.agentDone();
      for (const w of this.sayWaiters.splice(0)) w();
    });
    agent.on(AgentEvents.FunctionCallRequest, (m: Msg) => this.onFunctionCall(m));
    agent.on(AgentEvents.InjectionRefused, () => {
      this.init.log.info('Deepgram Agent refused an injected message (agent or caller speaking)');
      for (const w of this.sayWaiters.splice(0)) w();
    });
    agent.on(AgentEvents.Unhandled, (m: Msg) => {
      if (m.type === 'Warning') this.report(`Deepgram Agent warning ${String(m.code ?? '')}: ${String(m.description ?? '')}`, 'warn');
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new ProviderError('connect_failed', `Deepgram Agent: no SettingsApplied within ${SETUP_TIMEOUT_MS} ms`)), SETUP_TIMEOUT_MS);
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.abortStart = undefined;
        reject(err);
      };
      this.abortStart = () => fail(new ProviderError('connect_failed', 'Deepgram Agent: session closed during setup'));
      agent.on(AgentEvents.Open, () => {
        agent.configure(settings as never);
        this.keepAlive = setInterval(() => agent.keepAlive(), this.deps.keepAliveMs ?? KEEPALIVE_INTERVAL_MS);
      });
      agent.on(AgentEvents.SettingsApplied, () => {
        this.applied = true;
        for (const b of this.held.splice(0)) agent.send(b as unknown as ArrayBuffer);
        this.heldMs = 0;
        if (unanswered) agent.send(JSON.stringify({ type: 'InjectUserMessage', content: unanswered }));
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.abortStart = undefined;
        resolve();
      });
      agent.on(AgentEvents.Error, (e: Msg & { message?: string; statusCode?: number }) => {
        if (e.type === 'Error') {
          const message = `Deepgram Agent error ${String(e.code ?? '')}: ${String(e.description ?? '')}`;
          this.report(message, 'warn');
          if (!this.applied) fail(new ProviderError('connect_failed', message));
          else this.init.sink.error(new Error(message), false);
          return;
        }
        const status = httpStatusOf(e);
        const message = `Deepgram Agent: ${errorText(e.message ?? 'connection error')}${status ? ` (HTTP ${status})` : ''}`;
        if (!this.applied) fail(new ProviderError(reasonForStatus(status) ?? 'connect_failed', message, status));
        else this.report(message, 'warn');
      });
      agent.on(AgentEvents.Close, (e: { code?: number; reason?: string }) => {
        if (!this.applied) fail(new ProviderError('connect_failed', `Deepgram Agent: connection closed during setup (code ${e?.code ?? '?'})`));
        this.onClose(e?.code, e?.reason);
      });
    });
  }

  sendAudio(chunk: Buffer): void {
    if (this.closing) return;
    if (!this.applied || !this.agent) {
      this.held.push(chunk);
      this.heldMs += bytesToMs(this.format, chunk.length);
      while (this.heldMs > HOLD_MS && this.held.length > 1) this.heldMs -= bytesToMs(this.format, this.held.shift()!.length);
      return;
    }
    this.agent.send(chunk as unknown as ArrayBuffer);
  }

  sendDtmf(digit: string): void {
    if (!this.applied || this.closing) return;
    this.agent?.send(JSON.stringify({ type: 'InjectUserMessage', content: `The caller pressed ${digit} on the keypad.` }));
  }

  interrupt(): void {
    if (this.speaking) this.dropping = true;
    this.marks.close();
  }

  async say(text: string): Promise<void> {
    if (this.closing) return;
    if (!this.applied || this.failed || !this.agent?.isConnected()) throw new Error('Deepgram Agent: cannot speak, the connection is not open');
    await new Promise<void>((resolve) => {
      this.sayWaiters.push(resolve);
      this.agent?.send(JSON.stringify({ type: 'InjectAgentMessage', message: text }));
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.abortStart?.();
    clearInterval(this.keepAlive);
    for (const w of this.sayWaiters.splice(0)) w();
    const agent = this.agent;
    if (!agent) return;
    const conn = agent.conn as unknown as WebSocket | null;
    agent.disconnect(1000, 'call ended');
    if (conn && conn.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          conn.terminate();
          resolve();
        }, 1000);
        conn.once('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private onText(m: Msg): void {
    const text = typeof m.content === 'string' ? m.content.trim() : '';
    if (!text) return;
    if (m.role === 'user') {
      // Deepgram reports the caller's turn once it has ended: that is our end of speech.
      this.marks.endOfSpeech();
      this.init.sink.transcript('caller', text, true);
    } else {
      this.marks.mark('llm_first_token');
      this.init.sink.transcript('agent', text, true);
    }
  }

  private onFunctionCall(m: Msg): void {
    const calls = Array.isArray(m.functions) ? (m.functions as FunctionCall[]) : [];
    for (const fc of calls) {
      if (fc.client_side === false) continue;
      void (async () => {
        let args: unknown = {};
        try {
          args = fc.arguments ? JSON.parse(fc.arguments) : {};
        } catch {
          this.init.log.warn({ tool: fc.name }, 'Deepgram Agent sent unparsable function arguments');
        }
        const result = await this.init.sink.callTool(fc.name, args).catch((err: unknown) => ({ ok: false, output: { error: errorText(err) } }));
        if (this.closing) return;
        this.agent?.functionCallResponse({ id: fc.id, name: fc.name, content: JSON.stringify(result.output) });
      })();
    }
  }

  private report(message: string, level: 'warn' | 'error'): void {
    this.deps.onError(message);
    this.init.log[level]({ provider: 'deepgram' }, message);
  }

  private onClose(code?: number, reason?: string): void {
    clearInterval(this.keepAlive);
    for (const w of this.sayWaiters.splice(0)) w();
    if (this.closing || this.failed || !this.applied) return;
    this.failed = true;
    const message = `Deepgram Agent connection closed (code ${code ?? '?'}${reason ? `, ${reason}` : ''})`;
    this.report(message, 'warn');
    this.init.sink.error(new ProviderError('socket_drop', message), true);
  }
}
