/**
 * One call's conversation once media is up, as a small coordinator:
 *
 *   leg (clocked frames) → CallerAudio (decode once, voice activity) → provider
 *   provider audio → AgentAudioOut (streamed leg | ARI file playback)
 *
 * The call's voice activity is the one owner of "is the caller speaking":
 * barge-in, the no-input watchdog, latency, levels and the provider (echo,
 * pipelines) all take its events. Tools and their after-actions go through
 * CallActions. Audio the engine makes itself (tool filler, the fallback line)
 * reaches the caller through the same out contract (`pushLocal`) and never
 * counts as a turn's first agent audio. The provider session lives in a
 * ProviderLink (one reconnect of a dropped realtime socket); a provider that
 * fails, or stays silent after a caller's turn (ReplyWatchdog), gets the
 * fallback line played here, then the call session fails over.
 */
import { performance } from 'node:perf_hooks';
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { CallState, TurnLatency } from '../api/calls.js';
import type { MediaLeg } from '../media/transport.js';
import { createAudioConverter, type AudioConverter } from '../media/convert.js';
import type { VoiceEvent } from '../media/voice/voice-activity.js';
import type { LatencyMark, Provider, ProviderSession, SessionSink } from '../providers/provider.js';
import { ProviderError } from '../providers/provider-errors.js';
import type { CallTools } from '../tools/tool-runner.js';
import type { FillerAudio } from '../tools/filler.js';
import type { AriRest } from '../ari/ari-rest.js';
import type { ResolvedCall } from './resolve-call.js';
import { fallbackAudio } from './fallback-audio.js';
import { ProviderLink } from './provider-link.js';
import { ReplyWatchdog } from './reply-watchdog.js';
import { NoInputWatchdog } from './no-input-watchdog.js';
import { LatencyTracker } from './latency-tracker.js';
import { DtmfDedupe } from './call-vars.js';
import { CallerAudio } from './caller-audio.js';
import { fileOut, streamedOut, type AgentAudioOut } from './agent-audio-out.js';
import { CallActions, type AfterAction } from './call-actions.js';
import type { SampleRing } from '../observability/sample-ring.js';

export type { AfterAction } from './call-actions.js';

export interface ConversationHost {
  callId: string;
  callerChannelId: string;
  config: AgentConfig;
  resolved: ResolvedCall;
  callerName?: string;
  callerNumber?: string;
  log: Logger;
  ari(): AriRest | undefined;
  toEpoch(perf: number): number;
  setState(state: CallState): void;
  transcript(role: 'caller' | 'agent' | 'system', text: string): void;
  turn(t: TurnLatency): void;
  /** [integrations hook] the call's tools (every provider's tool calls run here through CallActions; they record themselves). */
  tools: CallTools;
  runAction(action: AfterAction): Promise<void>;
  /** The provider failed for good (after its one reconnect, if any): fall back and fail over. */
  providerFailed(err: ProviderError): void;
  /** A dropped realtime socket is being reconnected, or was (ok), or could not be (failed). */
  providerReconnect(stage: 'started' | 'ok' | 'failed'): void;
  noInput(): void;
  bargeInObserved(reactionMs: number): void;
}

/** After a barge-in, provider audio already in flight is dropped for this long (or until the next turn). */
const DROP_IN_FLIGHT_MS = 600;

export class Conversation {
  private link!: ProviderLink;
  readonly tracker: LatencyTracker;
  private readonly watchdog: NoInputWatchdog;
  private readonly replyWatchdog: ReplyWatchdog;
  /** The fallback line in the out format, prepared when the call starts. */
  private readonly fallbackLine: Promise<{ audio: Buffer; text?: string }>;
  private readonly dtmf = new DtmfDedupe();
  private readonly actions: CallActions;
  private agentBusy = false;
  private lastBargeIn = -Infinity;
  private dropAudioUntil = 0;
  private closed = false;
  private readonly off: (() => void)[] = [];
  private quietWaiters: Array<() => void> = [];
  /** Agent utterances started so far (a tool's fallback checks whether one followed it). */
  private agentUtterances = 0;

  private constructor(
    private readonly host: ConversationHost,
    private readonly leg: MediaLeg,
    private readonly caller: CallerAudio,
    private readonly out: AgentAudioOut,
    private readonly outConv: AudioConverter,
    /** The provider detects turns and barge-in itself (server VAD). */
    private readonly providerVad: boolean,
  ) {
    const cfg = host.config;
    this.watchdog = new NoInputWatchdog(cfg.no_input, {
      checkIn: () => void this.session.say(cfg.no_input.checkin_prompt).catch(() => undefined),
      giveUp: () => {
        this.actions.finalMessageStarted();
        void this.session.say(cfg.no_input.final_message).catch(() => undefined);
      },
    });
    const timeoutS = cfg.on_provider_failure.provider_timeout_s;
    this.replyWatchdog = new ReplyWatchdog(timeoutS * 1000, (waitedMs) =>
      this.link.fail(new ProviderError('no_first_audio', `no agent audio ${Math.round(waitedMs)} ms after the caller's turn ended (on_provider_failure.provider_timeout_s: ${timeoutS})`)),
    );
    this.fallbackLine = fallbackAudio(cfg.on_provider_failure, out.format, host.log).catch((err: Error) => {
      host.log.warn({ err: err.message }, 'fallback line could not be prepared');
      return { audio: Buffer.alloc(0) };
    });
    this.tracker = new LatencyTracker(host.callId, host.resolved.provider, { toEpoch: host.toEpoch, lastVoicedAt: () => caller.voice.lastVoicedAt }, (t) => host.turn(t));
    this.actions = new CallActions({
      config: cfg,
      tools: host.tools,
      filler: () => this.fillerAudio(),
      runAction: (a) => {
        this.watchdog.stop();
        return host.runAction(a);
      },
      noInput: () => host.noInput(),
      quiet: () => this.quiet(),
      whenQuiet: () => this.whenQuiet(),
      say: (text) => this.session.say(text),
      utterances: () => this.agentUtterances,
      closed: () => this.closed,
    });
  }

  static async create(host: ConversationHost, leg: MediaLeg, provider: Provider): Promise<Conversation> {
    const caps = provider.capabilities(leg.wireFormat);
    const out =
      host.config.downstream_mode === 'file'
        ? fileOut({
            callId: host.callId,
            callerChannelId: host.callerChannelId,
            mediaDir: host.config.media_dir,
            play: (ch, media, id) => host.ari()?.play(ch, media, id),
            stop: (id) => host.ari()?.stopPlayback(id),
            warn: (msg, fields) => host.log.warn({ callId: host.callId, ...fields }, msg),
          })
        : streamedOut(leg);
    const [caller, outConv] = await Promise.all([CallerAudio.create(leg, caps, host.config, host.log), createAudioConverter(caps.output, out.format)]);
    const c = new Conversation(host, leg, caller, out, outConv, caps.nativeVad);
    c.link = new ProviderLink({
      provider,
      init: {
        callId: host.callId,
        context: host.resolved.context,
        greeting: host.resolved.greeting,
        instructions: host.resolved.prompt,
        tools: host.tools.specs(), // [integrations hook]
        callerName: host.callerName,
        callerNumber: host.callerNumber,
        wireFormat: leg.wireFormat,
        log: host.log,
      },
      sink: c.sink(),
      failed: (err) => {
        if (!c.closed) host.providerFailed(err);
      },
      reconnect: (stage) => {
        if (stage === 'ok') c.replyWatchdog.restart();
        host.providerReconnect(stage);
      },
      log: host.log,
    });
    return c;
  }

  private get session(): ProviderSession {
    return this.link.session;
  }

  /** arrival → handed to the provider (ms), for the bench. */
  get inboundDelays(): SampleRing {
    return this.caller.inboundDelays;
  }

  async start(): Promise<void> {
    const { leg, caller, out } = this;
    caller.feed((chunk) => this.session.sendAudio(chunk));
    this.off.push(
      leg.events.on('audio', ({ frame, at, synthesized }) => caller.onFrame(frame, at, synthesized)),
      leg.events.on('dtmf', ({ digit }) => this.onDtmf(digit, 'media')),
      caller.voice.on((ev) => this.onVoice(ev)),
      out.events.on('firstFrameOut', ({ at }) => this.tracker.firstFrameOut(at)),
      out.events.on('drained', () => this.checkQuiet()),
    );
    leg.startInbound();
    this.host.setState('greeting');
    this.watchdog.activity();
    await this.link.start();
  }

  /** ChannelDtmfReceived on the caller channel. */
  ariDtmf(digit: string): void {
    this.onDtmf(digit, 'ari');
  }

  /** PlaybackStarted/Finished of one of our file playbacks. */
  playbackEvent(id: string, type: 'PlaybackStarted' | 'PlaybackFinished'): void {
    this.out.playbackEvent(id, type);
  }

  /**
   * The provider failed: it is no longer heard (its session closes, what it queued is dropped) and the
   * caller hears the fallback line (sound file or local TTS), at once; resolves once it has played, or
   * after `maxMs`.
   */
  async playFallback(maxMs = 8000): Promise<void> {
    this.replyWatchdog.stop();
    this.watchdog.stop();
    this.actions.stop();
    void this.link.close().catch(() => undefined);
    this.out.flush();
    this.agentBusy = false;
    const line = await this.fallbackLine;
    if (this.closed) return;
    if (line.text) this.host.transcript('agent', line.text);
    this.playLocal(line.audio);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.whenQuiet(), new Promise<void>((r) => (timer = setTimeout(r, maxMs)))]);
    clearTimeout(timer);
  }

  /** Queue an action (API transfer/hangup) to run once the agent is quiet. */
  requestAction(action: AfterAction): void {
    this.actions.request(action);
  }

  /** Caller and agent levels (dBFS) since the last call, for the live meters. */
  levels(): { callerDb: number; agentDb: number } {
    return { callerDb: this.caller.voice.takeLevelDb(), agentDb: this.out.levelDb() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchdog.stop();
    this.replyWatchdog.stop();
    this.actions.stop();
    for (const f of this.off) f();
    this.tracker.close();
    this.out.close();
    this.checkQuiet();
    try {
      await this.link.close();
    } catch (err) {
      this.host.log.warn({ callId: this.host.callId, err: (err as Error).message }, 'provider session close failed');
    }
    this.caller.close();
    this.outConv.close();
  }

  // ---- caller side -----------------------------------------------------------

  private onVoice(ev: VoiceEvent): void {
    if (this.closed) return;
    if (ev.type === 'sustained') this.maybeBargeIn(ev.firstVoicedAt, ev.peakRms);
    else this.watchdog.activity();
    if (ev.type === 'start') this.replyWatchdog.turnOver();
    this.session.voice?.(ev);
  }

  /** The engine cuts the agent off on its own voice activity, unless the provider decides barge-in itself. */
  private maybeBargeIn(speechAt: number, peakRms: number): void {
    const b = this.host.config.barge_in;
    if (this.providerVad || !b.enabled || !this.agentSpeaking()) return;
    if (b.energy_threshold !== undefined && peakRms < b.energy_threshold) return;
    if (performance.now() - this.lastBargeIn < b.cooldown_ms) return;
    this.bargeIn('local', speechAt);
  }

  private onDtmf(digit: string, source: 'media' | 'ari'): void {
    if (this.closed || !this.dtmf.accept(digit, source, performance.now())) return;
    this.host.log.debug({ callId: this.host.callId, digit, source }, 'dtmf');
    this.host.transcript('system', `DTMF ${digit}`);
    this.watchdog.activity();
    this.session.sendDtmf(digit);
  }

  private agentSpeaking(): boolean {
    return this.agentBusy || this.out.busy();
  }

  /** [integrations hook] where a slow tool's filler plays: engine-made audio, once the agent is quiet. */
  private fillerAudio(): FillerAudio {
    return { wire: this.out.format, play: (audio) => this.playLocal(audio), busy: () => this.agentSpeaking() };
  }

  /** Audio the engine made itself (filler, failure notice), in the out format: heard, not counted as the turn's agent audio. */
  private playLocal(audio: Buffer): void {
    if (this.closed || audio.length === 0) return;
    this.out.pushLocal(audio);
  }

  private bargeIn(source: 'local' | 'provider', speechAt: number): void {
    if (this.actions.endingWithFinalMessage) return;
    const now = performance.now();
    this.lastBargeIn = now;
    this.dropAudioUntil = now + DROP_IN_FLIGHT_MS;
    const dropped = this.out.flush();
    if (source === 'local') this.session.interrupt();
    this.agentBusy = false;
    const reaction = Math.max(0, performance.now() - speechAt);
    this.tracker.bargeIn(reaction);
    this.host.bargeInObserved(reaction);
    this.host.log.debug({ callId: this.host.callId, source, droppedMs: dropped }, 'barge-in');
    this.host.setState('listening');
    this.checkQuiet();
  }

  // ---- provider side -----------------------------------------------------------

  private sink(): Omit<SessionSink, 'error'> {
    return {
      audio: (chunk) => this.onAgentAudio(chunk),
      transcript: (role, text, final) => {
        if (!final || this.closed) return;
        if (role === 'caller') this.watchdog.activity();
        this.host.transcript(role, text);
      },
      mark: (mark: LatencyMark, at?: number) => {
        if (this.closed) return;
        this.tracker.mark(mark, at ?? performance.now());
        if (mark === 'end_of_speech') {
          this.dropAudioUntil = 0;
          this.replyWatchdog.turnEnded(at ?? performance.now());
          this.host.setState('thinking');
        }
      },
      bargeIn: () => {
        this.replyWatchdog.turnOver();
        if (!this.closed && this.agentSpeaking()) this.bargeIn('provider', performance.now());
      },
      agentDone: () => {
        this.replyWatchdog.turnOver(); // an utterance (even an empty one) is the provider answering
        this.onAgentDone();
      },
      // A tool's after-action (transfer, hangup) ends the turn instead of a reply.
      callTool: (name, args) => this.replyWatchdog.whileTool(() => this.actions.callTool(name, args), (r) => r.ok && !!r.after),
      turnSkipped: () => this.replyWatchdog.turnOver(),
    };
  }

  private onAgentAudio(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    this.replyWatchdog.agentAudio();
    if (this.dropAudioUntil && performance.now() < this.dropAudioUntil) return;
    const audio = this.outConv.convert(chunk);
    if (!this.agentBusy) {
      this.agentBusy = true;
      this.agentUtterances++;
      this.watchdog.pause();
      this.host.setState('speaking');
    }
    this.tracker.agentAudio(performance.now());
    this.out.push(audio);
  }

  private onAgentDone(): void {
    if (this.closed) return;
    this.out.endOfUtterance();
    void this.out.whenDrained().then(() => {
      if (this.closed) return;
      this.agentBusy = false;
      this.tracker.burstEnded();
      this.host.setState('listening');
      this.watchdog.resume();
      this.checkQuiet();
      this.actions.agentQuiet();
    });
  }

  private quiet(): boolean {
    return this.closed || (!this.agentBusy && !this.out.busy());
  }

  private whenQuiet(): Promise<void> {
    if (this.quiet()) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  private checkQuiet(): void {
    if (!this.quiet() || this.quietWaiters.length === 0) return;
    const w = this.quietWaiters;
    this.quietWaiters = [];
    for (const r of w) r();
  }
}
