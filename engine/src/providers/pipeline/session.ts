/**
 * One call through an STT → LLM → TTS pipeline. Turn-taking follows the
 * engine's voice activity (one detector per call, `voice()`): its end of
 * speech finalizes the STT turn, the transcript goes to the LLM, its tokens
 * are cut into sentences and each sentence is synthesized while the LLM
 * continues. Speech starting while a turn is still thinking (nothing audible
 * yet) aborts that turn; cutting the agent off while it is audible is the
 * engine's barge-in, which reaches the session as interrupt().
 *
 * A stage that fails is fatal for the session (the caller would otherwise
 * hear nothing): the recognizer dying, an STT request, the LLM or the TTS
 * failing (greeting included) report a ProviderError with the HTTP reason
 * (4xx, 5xx, quota) or the stage's own (stt_error, llm_error, tts_error).
 */
import { setMaxListeners } from 'node:events';
import type { ProviderSession, SessionInit } from '../provider.js';
import type { VoiceEvent } from '../../media/voice/voice-activity.js';
import type { ChatMessage, LlmAdapter, SttAdapter, SttStream, TtsAdapter } from './stages.js';
import { SentenceSplitter } from './sentence-splitter.js';
import { Speaker } from './speaker.js';
import { TurnMarks } from '../turn-marks.js';
import { asProviderError, errorText, type ProviderError } from '../provider-errors.js';

/** One abort signal serves every LLM/TTS request of a turn (SDKs each add a listener). */
function turnAbort(): AbortController {
  const a = new AbortController();
  setMaxListeners(200, a.signal);
  return a;
}

/** Tool round trips allowed in one caller turn. */
const MAX_TOOL_ROUNDS = 4;

export interface PipelineStages {
  stt: SttAdapter;
  llm: LlmAdapter;
  tts: TtsAdapter;
}

export class PipelineSession implements ProviderSession {
  private stt: SttStream | undefined;
  private messages: ChatMessage[];
  private turn: { abort: AbortController; done: Promise<void> } | undefined;
  private speaking: { abort: AbortController; done: Promise<void> } | undefined;
  private clock = { playoutEndsAt: 0 };
  private marks: TurnMarks;
  private closed = false;
  private fatal = false;

  constructor(
    private readonly stages: PipelineStages,
    private readonly init: SessionInit,
    private readonly onError: (message: string) => void,
  ) {
    this.marks = new TurnMarks(init.sink);
    this.messages = [{ role: 'system', content: init.instructions }, ...(init.history ?? []).map((h): ChatMessage => (h.role === 'caller' ? { role: 'user', content: h.text } : { role: 'assistant', content: h.text }))];
  }

  async start(): Promise<void> {
    this.stt = this.stages.stt.open(this.init.log, this.init.wireFormat, (err) => this.fail(asProviderError(err, 'stt_error', 'pipeline stt')));
    const greeting = this.init.greeting.trim();
    if (greeting) {
      this.messages.push({ role: 'assistant', content: greeting });
      this.init.sink.transcript('agent', greeting, true);
      void this.speak(greeting).then((ok) => ok && this.init.sink.agentDone());
    }
  }

  sendAudio(chunk: Buffer): void {
    if (this.closed || !this.stt) return;
    this.stt.write(chunk);
  }

  voice(ev: VoiceEvent): void {
    if (this.closed || !this.stt) return;
    if (ev.type === 'start') this.onSpeechStart();
    else if (ev.type === 'end') this.onSpeechEnd(ev.at);
  }

  sendDtmf(digit: string): void {
    this.init.log.debug({ digit }, 'pipeline: DTMF noted');
    this.messages.push({ role: 'user', content: `(The caller pressed ${digit} on the keypad.)` });
  }

  interrupt(): void {
    this.abortAll();
  }

  async say(text: string): Promise<void> {
    if (this.closed) return;
    this.init.sink.transcript('agent', text, true);
    this.messages.push({ role: 'assistant', content: text });
    await this.speak(text);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abortAll();
    await Promise.allSettled([this.turn?.done, this.speaking?.done]);
    await this.stt?.close();
  }

  /** Speaks fixed text; resolves false if interrupted. */
  private async speak(text: string): Promise<boolean> {
    const abort = turnAbort();
    const speaker = new Speaker(this.stages.tts, this.init.sink, abort.signal, () => undefined, this.clock);
    const entry = { abort, done: speaker.done };
    this.speaking = entry;
    speaker.say(text);
    speaker.end();
    try {
      await speaker.done;
    } catch (err) {
      if (!abort.signal.aborted) this.fail(asProviderError(err, 'tts_error', 'pipeline tts'));
      return false;
    } finally {
      if (this.speaking === entry) this.speaking = undefined;
    }
    return !abort.signal.aborted;
  }

  private agentAudible(): boolean {
    return performance.now() < this.clock.playoutEndsAt;
  }

  private onSpeechStart(): void {
    this.stt?.speechStarted();
    // The caller goes on talking before the reply is audible: that turn's answer is stale.
    if (this.turn && !this.agentAudible()) {
      this.turn.abort.abort();
      this.marks.close();
    }
  }

  private abortAll(): void {
    this.turn?.abort.abort();
    this.speaking?.abort.abort();
    this.clock.playoutEndsAt = 0;
    this.marks.close();
  }

  private onSpeechEnd(at: number): void {
    this.marks.endOfSpeech(at);
    this.turn?.abort.abort();
    const abort = turnAbort();
    const entry = { abort, done: Promise.resolve() };
    entry.done = this.runTurn(abort.signal)
      .catch((err: unknown) => {
        if (!abort.signal.aborted) this.fail(asProviderError(err, 'llm_error', 'pipeline'));
      })
      .finally(() => {
        if (this.turn === entry) this.turn = undefined;
      });
    this.turn = entry;
  }

  private async runTurn(signal: AbortSignal): Promise<void> {
    const sink = this.init.sink;
    let text: string;
    try {
      text = await this.stt!.finalize(signal);
    } catch (err) {
      if (!signal.aborted) this.fail(asProviderError(err, 'stt_error', 'pipeline stt'));
      return;
    }
    if (signal.aborted || this.closed) return;
    this.marks.mark('stt_final');
    if (!text) {
      this.init.log.debug('pipeline: end of speech without a transcript');
      this.marks.close();
      sink.turnSkipped?.();
      return;
    }
    sink.transcript('caller', text, true);
    this.messages.push({ role: 'user', content: text });
    for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
      const speaker = new Speaker(this.stages.tts, sink, signal, () => this.marks.mark('tts_first_byte'), this.clock);
      const splitter = new SentenceSplitter();
      const toolCalls: Array<{ id: string; name: string; arguments: string }> = [];
      let reply = '';
      try {
        for await (const ev of this.stages.llm.stream(this.messages, this.init.tools, signal)) {
          if (signal.aborted) break;
          if (ev.type === 'text') {
            this.marks.mark('llm_first_token');
            reply += ev.text;
            for (const s of splitter.push(ev.text)) speaker.say(s);
          } else toolCalls.push(ev);
        }
      } catch (err) {
        speaker.end();
        if (signal.aborted) return this.keepPartial(reply);
        throw asProviderError(err, 'llm_error', 'llm');
      }
      for (const s of splitter.flush()) speaker.say(s);
      speaker.end();
      try {
        await speaker.done;
      } catch (err) {
        if (!signal.aborted) throw asProviderError(err, 'tts_error', 'tts');
      }
      if (signal.aborted) return this.keepPartial(reply);
      reply = reply.trim();
      if (reply) sink.transcript('agent', reply, true);
      if (toolCalls.length === 0) {
        this.messages.push({ role: 'assistant', content: reply });
        this.marks.close();
        sink.agentDone();
        return;
      }
      this.messages.push({
        role: 'assistant',
        content: reply || null,
        tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
      });
      for (const c of toolCalls) {
        let args: unknown = {};
        try {
          args = c.arguments ? JSON.parse(c.arguments) : {};
        } catch {
          this.init.log.warn({ tool: c.name }, 'pipeline: LLM sent unparsable tool arguments');
        }
        const result = await sink.callTool(c.name, args).catch((err: unknown) => ({ ok: false, output: { error: errorText(err) } }));
        this.messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify(result.output) });
      }
      if (signal.aborted) return;
    }
    this.marks.close();
  }

  /** What the agent said before a barge-in stays in the conversation. */
  private keepPartial(reply: string): void {
    const said = reply.trim();
    if (said) {
      this.messages.push({ role: 'assistant', content: said });
      this.init.sink.transcript('agent', said, true);
    }
  }

  private fail(err: ProviderError): void {
    if (this.fatal || this.closed) return;
    this.fatal = true;
    this.onError(err.message);
    this.init.log.warn({ reason: err.reason }, err.message);
    this.init.sink.error(err, true);
  }
}
