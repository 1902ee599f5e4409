/**
 * One call's conversation once media is up: caller audio → (VAD, watchdog,
 * conversion) → provider; provider audio → conversion → paced leg (or WAV
 * files played by ARI in `downstream_mode: file`); barge-in, DTMF, tools
 * (run after the current utterance drains), latency marks.
 */
import { performance } from 'node:perf_hooks';
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { CallState, TurnLatency } from '../api/calls.js';
import type { MediaLeg } from '../media/transport.js';
import { bytesToMs, SLIN8, type AudioFormat } from '../media/audio-format.js';
import { createAudioConverter, type AudioConverter } from '../media/convert.js';
import { synthesizeForWire } from './local-announcer.js';
import { pcm16Samples } from '../media/signal.js';
import type { LatencyMark, Provider, ProviderSession, SessionSink } from '../providers/provider.js';
import type { ToolResult } from '../tools/tool.js';
import type { CallTools } from '../tools/tool-runner.js';
import type { FillerAudio } from '../tools/filler.js';
import type { AriRest } from '../ari/ari-rest.js';
import type { ResolvedCall } from './resolve-call.js';
import { SpeechDetector } from './speech-detector.js';
import { createVoiceActivityDetector, type VoiceActivityDetector } from '../media/vad/vad.js';
import { NoInputWatchdog } from './no-input-watchdog.js';
import { LatencyTracker } from './latency-tracker.js';
import { DtmfDedupe } from './call-vars.js';
import { FilePlayer } from './file-playback.js';

export type AfterAction = NonNullable<ToolResult['after']>;

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
  /** [integrations hook] the call's tools (every provider's tool calls run here; they record themselves). */
  tools: CallTools;
  runAction(action: AfterAction): Promise<void>;
  providerFailed(err: Error): void;
  noInput(): void;
  bargeInObserved(reactionMs: number): void;
}

export class Conversation {
  private session!: ProviderSession;
  private readonly detector: SpeechDetector;
  private vad: VoiceActivityDetector | undefined;
  private readonly minSpeechMs: number;
  private readonly watchdog: NoInputWatchdog;
  readonly tracker: LatencyTracker;
  private readonly dtmf = new DtmfDedupe();
  private agentBusy = false;
  private lastBargeIn = -Infinity;
  /** After a barge-in, agent audio already in flight from the provider is dropped until this time (or the next turn). */
  private dropAudioUntil = 0;
  private pendingAction: AfterAction | undefined;
  private actionTimer: NodeJS.Timeout | undefined;
  private actionRunning = false;
  private finalMessage = false;
  private closed = false;
  private readonly off: (() => void)[] = [];
  /** Agent utterances started so far (a tool's fallback checks whether one followed it). */
  private agentUtterances = 0;
  private readonly files: FilePlayer;
  /** arrival → handed to the provider (ms), for the bench. */
  readonly inboundDelays: number[] = [];

  private constructor(
    private readonly host: ConversationHost,
    private readonly leg: MediaLeg,
    private readonly provider: Provider,
    private readonly inConv: AudioConverter,
    private readonly outConv: AudioConverter,
    private readonly detConv: AudioConverter,
    private readonly outFormat: AudioFormat,
    /** The provider detects speech itself and reports barge-in through its sink. */
    private readonly providerVad: boolean,
  ) {
    const cfg = host.config;
    this.minSpeechMs = Math.max(cfg.vad.min_speech_ms, cfg.barge_in.min_ms);
    // Energy-only fallback, used when the WebRTC VAD (WASM) cannot be loaded.
    this.detector = new SpeechDetector({
      energyThreshold: cfg.barge_in.energy_threshold ?? cfg.vad.energy_threshold,
      minSpeechMs: this.minSpeechMs,
      endSilenceMs: cfg.vad.end_silence_ms,
    });
    this.watchdog = new NoInputWatchdog(cfg.no_input, {
      checkIn: () => void this.session.say(cfg.no_input.checkin_prompt).catch(() => undefined),
      giveUp: () => {
        this.finalMessage = true;
        this.pendingAction = undefined;
        void this.session.say(cfg.no_input.final_message).catch(() => undefined);
        this.armActionFallback();
      },
    });
    this.tracker = new LatencyTracker(host.callId, host.resolved.provider, { toEpoch: host.toEpoch }, (t) => host.turn(t));
    this.files = new FilePlayer({
      callId: host.callId,
      callerChannelId: host.callerChannelId,
      mediaDir: cfg.media_dir,
      sampleRate: outFormat.sampleRate,
      play: (ch, media, id) => host.ari()?.play(ch, media, id),
      stop: (id) => host.ari()?.stopPlayback(id),
      warn: (msg, fields) => host.log.warn({ callId: host.callId, ...fields }, msg),
    });
  }

  static async create(host: ConversationHost, leg: MediaLeg, provider: Provider): Promise<Conversation> {
    const caps = provider.capabilities(leg.wireFormat);
    const fileMode = host.config.downstream_mode === 'file';
    const outFormat = fileMode ? SLIN8 : leg.wireFormat;
    const [inConv, outConv, detConv] = await Promise.all([
      createAudioConverter(leg.wireFormat, caps.input),
      createAudioConverter(caps.output, outFormat),
      createAudioConverter(leg.wireFormat, { encoding: 'pcm16', sampleRate: leg.wireFormat.sampleRate }),
    ]);
    const c = new Conversation(host, leg, provider, inConv, outConv, detConv, outFormat, caps.nativeVad);
    const cfg = host.config;
    try {
      c.vad = await createVoiceActivityDetector({
        sampleRate: leg.wireFormat.sampleRate === 16000 ? 16000 : 8000,
        aggressiveness: cfg.vad.webrtc_aggressiveness as 0 | 1 | 2 | 3,
        energyThreshold: cfg.barge_in.energy_threshold ?? cfg.vad.energy_threshold,
        minSpeechMs: c.minSpeechMs,
        endSilenceMs: cfg.vad.end_silence_ms,
      });
    } catch (err) {
      host.log.warn({ err: (err as Error).message }, 'WebRTC VAD unavailable; barge-in uses the energy threshold only');
    }
    c.session = provider.createSession({
      callId: host.callId,
      context: host.resolved.context,
      greeting: host.resolved.greeting,
      instructions: host.resolved.prompt,
      tools: host.tools.specs(),
      callerName: host.callerName,
      callerNumber: host.callerNumber,
      wireFormat: leg.wireFormat,
      sink: c.sink(),
      log: host.log,
    });
    return c;
  }

  async start(): Promise<void> {
    const leg = this.leg;
    this.off.push(
      leg.events.on('audio', ({ frame, at }) => this.onCallerAudio(frame, at)),
      leg.events.on('dtmf', ({ digit }) => this.onDtmf(digit, 'media')),
      leg.events.on('firstFrameOut', ({ at }) => this.tracker.firstFrameOut(at)),
    );
    this.host.setState('greeting');
    this.watchdog.activity();
    await this.session.start();
  }

  /** ChannelDtmfReceived on the caller channel. */
  ariDtmf(digit: string): void {
    this.onDtmf(digit, 'ari');
  }

  /** PlaybackStarted/Finished of one of our file playbacks. */
  playbackEvent(id: string, type: 'PlaybackStarted' | 'PlaybackFinished'): void {
    if (!this.files.owns(id)) return;
    if (type === 'PlaybackStarted') {
      this.tracker.firstFrameOut(performance.now());
      return;
    }
    this.files.finished(id);
    if (this.files.active === 0 && !this.agentBusy) this.utteranceDone();
  }

  /** Speak a fixed text (failure notice); resolves when it has been heard or after `maxMs`. */
  /** Says `text` through the provider, or with the engine's own TTS when the provider cannot (it died). */
  async sayAndWait(text: string, maxMs = 8000): Promise<void> {
    await Promise.race([
      (async () => {
        await this.session.say(text).catch(async () => {
          const wire = await synthesizeForWire(text, this.outFormat);
          this.host.transcript('agent', text);
          this.playLocal(wire);
        });
        await this.whenQuiet();
      })(),
      new Promise((r) => setTimeout(r, maxMs).unref()),
    ]).catch(() => undefined);
  }

  /** Queue an action (API transfer/hangup) to run once the agent is quiet. */
  requestAction(action: AfterAction): void {
    this.pendingAction = action;
    if (!this.agentBusy && this.leg.queuedMs() === 0 && this.files.active === 0) void this.runPending();
    else this.armActionFallback();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchdog.stop();
    clearTimeout(this.actionTimer);
    for (const f of this.off) f();
    this.tracker.close();
    this.files.stopAll();
    try {
      await this.session.close();
    } catch (err) {
      this.host.log.warn({ callId: this.host.callId, err: (err as Error).message }, 'provider session close failed');
    }
    this.inConv.close();
    this.outConv.close();
    this.detConv.close();
    this.vad?.close();
  }

  // ---- caller side -----------------------------------------------------------

  private onCallerAudio(frame: Buffer, at: number): void {
    if (this.closed) return;
    const pcm = this.detConv.convert(frame);
    let start: number | undefined;
    let end = false;
    if (this.vad) {
      const r = this.vad.push(pcm);
      if (r.speechStart) start = at - this.minSpeechMs;
      end = r.speechEnd;
    } else {
      const ev = this.detector.push(pcm16Samples(pcm), bytesToMs(this.leg.wireFormat, frame.length), at);
      if (ev?.type === 'start') start = ev.firstAt;
      end = ev?.type === 'end';
    }
    if (start !== undefined) {
      this.watchdog.activity();
      // With a provider-side VAD the provider decides (and reports through sink.bargeIn); else the local VAD does.
      if (!this.providerVad && this.agentSpeaking() && this.host.config.barge_in.enabled && at - this.lastBargeIn >= this.host.config.barge_in.cooldown_ms) {
        this.bargeIn('local', start);
      }
    } else if (end) {
      this.watchdog.activity();
    }
    const input = this.inConv.convert(frame);
    if (input.length) this.session.sendAudio(input);
    this.inboundDelays.push(performance.now() - at);
    if (this.inboundDelays.length > 2000) this.inboundDelays.splice(0, 1000);
  }

  private onDtmf(digit: string, source: 'media' | 'ari'): void {
    if (this.closed || !this.dtmf.accept(digit, source, performance.now())) return;
    this.host.log.debug({ callId: this.host.callId, digit, source }, 'dtmf');
    this.host.transcript('system', `DTMF ${digit}`);
    this.watchdog.activity();
    this.session.sendDtmf(digit);
  }

  private agentSpeaking(): boolean {
    return this.agentBusy || this.leg.queuedMs() > 0 || this.files.active > 0;
  }

  private bargeIn(source: 'local' | 'provider', speechAt: number): void {
    if (this.finalMessage) return;
    const now = performance.now();
    this.lastBargeIn = now;
    this.dropAudioUntil = now + 600;
    const dropped = this.leg.flush();
    this.files.stopAll();
    if (source === 'local') this.session.interrupt();
    this.agentBusy = false;
    const reaction = Math.max(0, performance.now() - speechAt);
    this.tracker.bargeIn(reaction);
    this.host.bargeInObserved(reaction);
    this.host.log.debug({ callId: this.host.callId, source, droppedMs: dropped }, 'barge-in');
    this.host.setState('listening');
  }

  // ---- provider side -----------------------------------------------------------

  private sink(): SessionSink {
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
          this.host.setState('thinking');
        }
      },
      bargeIn: () => {
        if (!this.closed && this.agentSpeaking()) this.bargeIn('provider', performance.now());
      },
      agentDone: () => this.onAgentDone(),
      callTool: async (name, args) => this.onTool(name, args),
      error: (err, fatal) => {
        this.host.log.warn({ callId: this.host.callId, err: err.message, fatal }, 'provider error');
        if (fatal && !this.closed) this.host.providerFailed(err);
      },
    };
  }

  private onAgentAudio(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    if (this.dropAudioUntil && performance.now() < this.dropAudioUntil) return;
    const wire = this.outConv.convert(chunk);
    if (!this.agentBusy) {
      this.agentBusy = true;
      this.agentUtterances++;
      this.watchdog.pause();
      this.host.setState('speaking');
    }
    this.tracker.agentAudio(performance.now());
    if (this.host.config.downstream_mode === 'file') this.files.push(wire);
    else this.leg.enqueue(wire);
  }

  private onAgentDone(): void {
    if (this.closed) return;
    if (this.host.config.downstream_mode === 'file') {
      this.agentBusy = false;
      this.files.flushToPlayback((id) => this.playbackEvent(id, 'PlaybackFinished'));
      if (this.files.active === 0) this.utteranceDone();
      return;
    }
    this.leg.markEndOfBurst?.();
    void this.leg.whenDrained().then(() => {
      this.agentBusy = false;
      this.tracker.burstEnded();
      this.utteranceDone();
    });
  }


  private utteranceDone(): void {
    if (this.closed) return;
    this.host.setState('listening');
    this.watchdog.resume();
    if (this.finalMessage) {
      this.finalMessage = false;
      this.host.noInput();
      return;
    }
    if (this.pendingAction) void this.runPending();
  }

  private whenQuiet(): Promise<void> {
    const quiet = () => this.closed || (!this.agentBusy && this.leg.queuedMs() === 0 && this.files.active === 0);
    return new Promise((resolve) => {
      const check = () => (quiet() ? resolve() : setTimeout(check, 20).unref());
      setTimeout(check, 20).unref();
    });
  }

  private async onTool(name: string, args: unknown): Promise<ToolResult> {
    // [integrations hook] a slow tool's filler plays through fillerAudio below.
    const result = await this.host.tools.run(name, args, this.fillerAudio());
    if (result.ok && result.after && !this.closed) {
      this.pendingAction = result.after;
      this.armActionFallback();
    }
    return result;
  }

  /** [integrations hook] where the tool filler plays: engine-made audio into the call's audio out, when the agent is quiet. */
  private fillerAudio(): FillerAudio {
    return { wire: this.outFormat, play: (wire) => this.playLocal(wire), busy: () => this.agentSpeaking() };
  }

  /** [integrations hook] plays audio the engine made itself (filler, failure notice) in the out format. */
  private playLocal(wire: Buffer): void {
    if (this.closed || wire.length === 0) return;
    if (this.host.config.downstream_mode === 'file') {
      this.files.push(wire);
      this.files.flushToPlayback((id) => this.playbackEvent(id, 'PlaybackFinished'));
      return;
    }
    this.leg.enqueue(wire);
    this.leg.markEndOfBurst?.();
  }

  /** If no utterance follows the tool call, run the action anyway once quiet. */
  private armActionFallback(): void {
    clearTimeout(this.actionTimer);
    const spokeBefore = this.agentUtterances;
    this.actionTimer = setTimeout(() => {
      void this.whenQuiet().then(async () => {
        if (this.finalMessage) {
          this.finalMessage = false;
          this.host.noInput();
          return;
        }
        // The model asked to hang up but said nothing: say the configured farewell first.
        if (this.pendingAction?.action === 'hangup' && this.agentUtterances === spokeBefore && !this.closed) {
          await this.session.say(this.host.config.tools.hangup.farewell).catch(() => undefined);
          await this.whenQuiet();
        }
        if (this.pendingAction) void this.runPending();
      });
    }, 3000);
    this.actionTimer.unref();
  }

  private async runPending(): Promise<void> {
    const action = this.pendingAction;
    if (!action || this.actionRunning || this.closed) return;
    this.pendingAction = undefined;
    this.actionRunning = true;
    clearTimeout(this.actionTimer);
    this.watchdog.stop();
    try {
      await this.host.runAction(action);
    } finally {
      this.actionRunning = false;
    }
  }
}
