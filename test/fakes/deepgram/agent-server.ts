/**
 * Fake Deepgram Voice Agent API (v1, `/v1/agent/converse`) on a real socket.
 *
 * Protocol: Welcome on connect; the client's first message is Settings →
 * SettingsApplied; binary caller audio in the Settings input encoding; an
 * energy VAD stands in for Deepgram's: UserStartedSpeaking (agent audio
 * stops), then ConversationText(user), AgentThinking, and either a spoken
 * reply (ConversationText(assistant), AgentStartedSpeaking, binary audio,
 * AgentAudioDone) or a FunctionCallRequest answered by FunctionCallResponse.
 * KeepAlive is counted; InjectAgentMessage is spoken; Error/Warning can be
 * injected. Replies are scripted per user turn; `delayMs` is injected before
 * each reply's first audio (bench). New connections can be refused with an
 * HTTP status; a turn can get no reply at all (a stalled agent). A resumed
 * session's history arrives in Settings as agent.context.messages.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { FakeWebSocketServer, type HttpRefusal, type ScriptedFakeOptions } from '../fake-websocket-server.js';
import { EnergyVad, tone, ulawToPcm16, pcm16ToUlaw } from '../openai/audio.js';

export type AgentReply = { text: string; audioMs?: number } | { tool: { name: string; arguments: Record<string, unknown> } } | { silent: true };

export interface AgentFakeOptions extends ScriptedFakeOptions<AgentReply> {
  /** Never answer Settings (a stuck setup). */
  holdSettings?: boolean;
}

type Json = Record<string, unknown>;

export interface AgentFakeConnection {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  received: Json[];
  /** JSON messages the fake sent. */
  sent: Json[];
  settings?: Json;
  audioBytes: number;
  /** Binary frames that arrived before SettingsApplied was sent (a protocol violation). */
  audioBeforeSettings: number;
  keepAlives: number;
  error(description: string, code?: string): void;
  warning(description: string, code?: string): void;
  /** The agent's socket drops mid-session (no close frame). */
  drop(): void;
}

let n = 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FakeDeepgramAgent extends FakeWebSocketServer {
  readonly connections: AgentFakeConnection[] = [];
  readonly speechStoppedAt: number[] = [];
  readonly firstAudioAt: number[] = [];
  private turnIndex = 0;

  constructor(private readonly opts: AgentFakeOptions = {}) {
    super({ apiKey: opts.apiKey, authScheme: 'Token' });
  }

  /** For the SDK's agent websocket url. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  protected override acceptsPath(url: URL): boolean {
    return url.pathname === '/v1/agent/converse';
  }

  protected override unauthorized(): HttpRefusal {
    return { status: 401, statusText: 'Unauthorized', headers: { 'dg-error': 'Invalid credentials.' } };
  }

  protected override refusal(status: number): HttpRefusal {
    return { status, statusText: 'Refused', headers: { 'dg-error': 'refused by the test' } };
  }

  received(type: string): Json[] {
    return this.connections.flatMap((c) => c.received.filter((e) => e.type === type));
  }

  /** Every FunctionCallResponse the engine sent (the tool results the agent's model got). */
  toolOutputs(): { id: string; name: string; content: string }[] {
    return this.received('FunctionCallResponse').map((e) => ({ id: String(e.id), name: String(e.name), content: String(e.content) }));
  }

  protected override onConnection(ws: WebSocket, req: IncomingMessage): void {
    const send = (e: Json) => {
      conn.sent.push(e);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
    };
    const conn: AgentFakeConnection = {
      url: req.url ?? '',
      headers: req.headers,
      received: [],
      sent: [],
      audioBytes: 0,
      audioBeforeSettings: 0,
      keepAlives: 0,
      error: (description, code = 'INTERNAL_SERVER_ERROR') => send({ type: 'Error', description, code }),
      warning: (description, code = 'WARNING') => send({ type: 'Warning', description, code }),
      drop: () => ws.terminate(),
    };
    this.connections.push(conn);
    let applied = false;
    let speaking: { stopped: boolean } | undefined;
    const pendingCalls = new Map<string, string>();
    let vad: EnergyVad | undefined;

    const input = () => ((conn.settings?.audio as Json | undefined)?.input as Json | undefined) ?? { encoding: 'linear16', sample_rate: 16000 };
    const output = () => ((conn.settings?.audio as Json | undefined)?.output as Json | undefined) ?? { encoding: 'linear16', sample_rate: 24000 };

    const speak = async (text: string, audioMs = 600) => {
      const s = { stopped: false };
      if (speaking) speaking.stopped = true;
      speaking = s;
      send({ type: 'ConversationText', role: 'assistant', content: text });
      if (this.opts.delayMs) await sleep(this.opts.delayMs);
      send({ type: 'AgentStartedSpeaking', total_latency: 0.1, tts_latency: 0.05, ttt_latency: 0.05 });
      const ulaw = output().encoding === 'mulaw';
      const rate = Number(output().sample_rate ?? 24000);
      const chunkMs = this.opts.chunkMs ?? 100;
      let first = true;
      for (let sent = 0; sent < audioMs && !s.stopped && ws.readyState === ws.OPEN; sent += chunkMs) {
        const pcm = tone(rate, Math.min(chunkMs, audioMs - sent), 440, 6000);
        if (first) this.firstAudioAt.push(performance.now());
        first = false;
        ws.send(ulaw ? pcm16ToUlaw(pcm) : pcm);
        await sleep(this.opts.paceMs ?? 20);
      }
      if (s.stopped) return;
      speaking = undefined;
      send({ type: 'AgentAudioDone' });
    };

    const reply = (r: AgentReply) => {
      if ('silent' in r) return;
      if ('tool' in r) {
        const id = `fc_${++n}`;
        pendingCalls.set(id, r.tool.name);
        send({ type: 'FunctionCallRequest', functions: [{ id, name: r.tool.name, arguments: JSON.stringify(r.tool.arguments), client_side: true }] });
        return;
      }
      void speak(r.text, r.audioMs);
    };

    const makeVad = () =>
      new EnergyVad(
        { sampleRate: Number(input().sample_rate ?? 16000), silenceMs: 500 },
        {
          start: () => {
            if (speaking) speaking.stopped = true;
            speaking = undefined;
            send({ type: 'UserStartedSpeaking' });
          },
          stop: () => {
            this.speechStoppedAt.push(performance.now());
            const t = this.opts.turns?.[this.turnIndex++] ?? { transcript: 'hello', reply: { text: 'I heard you.' } };
            send({ type: 'ConversationText', role: 'user', content: t.transcript });
            send({ type: 'AgentThinking', content: '' });
            reply(t.reply);
          },
        },
      );

    send({ type: 'Welcome', request_id: `req-${++n}` });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const buf = data as Buffer;
        if (!applied) {
          conn.audioBeforeSettings++;
          return;
        }
        conn.audioBytes += buf.length;
        vad ??= makeVad();
        vad.push(input().encoding === 'mulaw' ? ulawToPcm16(buf) : buf);
        return;
      }
      let e: Json;
      try {
        e = JSON.parse(data.toString()) as Json;
      } catch {
        send({ type: 'Error', description: 'Failed to parse client message as JSON', code: 'INVALID_JSON' });
        return;
      }
      conn.received.push(e);
      switch (e.type) {
        case 'Settings': {
          if (conn.settings) {
            send({ type: 'Error', description: 'Settings can only be sent once per connection', code: 'SETTINGS_ALREADY_APPLIED' });
            return;
          }
          const agent = e.agent as Json | undefined;
          if (!e.audio || !agent) {
            send({ type: 'Error', description: 'Settings must include audio and agent', code: 'INVALID_SETTINGS' });
            return;
          }
          conn.settings = e;
          if (this.opts.holdSettings) return;
          applied = true;
          send({ type: 'SettingsApplied' });
          if (typeof agent.greeting === 'string' && agent.greeting) void speak(agent.greeting);
          return;
        }
        case 'KeepAlive':
          conn.keepAlives++;
          return;
        case 'FunctionCallResponse': {
          const name = pendingCalls.get(String(e.id));
          if (!name) {
            send({ type: 'Error', description: `Unknown function call id ${String(e.id)}`, code: 'FUNCTION_CALL_ID_UNKNOWN' });
            return;
          }
          pendingCalls.delete(String(e.id));
          reply(this.opts.afterTool?.(name, String(e.content)) ?? { text: 'Done.' });
          return;
        }
        case 'InjectAgentMessage':
          if (typeof e.message !== 'string') send({ type: 'Error', description: 'InjectAgentMessage requires a message', code: 'INVALID_MESSAGE' });
          else if (speaking) send({ type: 'InjectionRefused', message: 'Agent is currently speaking' });
          else void speak(e.message);
          return;
        case 'InjectUserMessage':
          send({ type: 'ConversationText', role: 'user', content: String(e.content ?? '') });
          reply({ text: 'Noted.' });
          return;
        case 'UpdatePrompt':
          send({ type: 'PromptUpdated' });
          return;
        default:
          send({ type: 'Warning', description: `Unknown message type ${String(e.type)}`, code: 'UNKNOWN_MESSAGE_TYPE' });
      }
    });
    ws.on('close', () => {
      if (speaking) speaking.stopped = true;
    });
  }
}
