/**
 * Per-turn latency (pure), measured where the caller feels it. A turn opens
 * at the end-of-turn decision (the engine's voice activity for echo and
 * pipelines; the provider's speech-stopped / end-of-turn event for OpenAI and
 * Deepgram); every stage is in ms after the caller's true end of speech, the
 * last voiced frame by the engine's own voice activity:
 *
 *   last voiced frame ─ endOfTurnMs (end-of-speech wait) ─ sttFinalMs ─ llmFirstTokenMs
 *     ─ ttsFirstByteMs ─ providerAudioMs (provider audio reached the engine) ─ firstAudioMs (first frame on the wire)
 *
 * firstAudioMs is the turn latency (`ai_agent_turn_latency_seconds`). A turn
 * closes at the first agent frame on the wire or when the next turn opens.
 */
import type { TurnLatency } from '../api/calls.js';
import type { LatencyMark } from '../providers/provider.js';

export interface TrackerClock {
  /** performance.now() → epoch ms */
  toEpoch(perfMs: number): number;
  /** Arrival of the caller's last voiced frame (engine voice activity), if any. */
  lastVoicedAt(): number | undefined;
}

type StageMark = Exclude<LatencyMark, 'end_of_speech'> | 'provider_audio' | 'first_audio';

interface OpenTurn {
  turn: number;
  /** Last voiced frame (or the decision itself when the engine heard no voice for this turn). */
  endOfSpeech: number;
  /** End-of-turn decision; undefined when the end of speech is not known apart from it. */
  decision: number | undefined;
  marks: Partial<Record<StageMark, number>>;
  bargeInReactionMs: number | null;
}

const round = (v: number | undefined, base: number): number | null => (v === undefined ? null : Math.max(0, Math.round((v - base) * 10) / 10));

export class LatencyTracker {
  private open: OpenTurn | undefined;
  private turns = 0;
  /** The last voiced frame the previous turn was measured from (a turn never reuses it). */
  private usedVoicedAt: number | undefined;
  /** Engine-added delay samples (ms): provider audio handed over → first frame on the wire. */
  readonly outboundDelays: number[] = [];
  private burstAudioAt: number | undefined;

  constructor(
    private readonly callId: string,
    private readonly provider: string,
    private readonly clock: TrackerClock,
    private readonly onTurn: (t: TurnLatency) => void,
  ) {}

  get turnCount(): number {
    return this.turns;
  }

  mark(mark: LatencyMark, at: number): void {
    if (mark === 'end_of_speech') {
      this.close();
      this.turns++;
      const voiced = this.clock.lastVoicedAt();
      const fresh = voiced !== undefined && voiced <= at && voiced !== this.usedVoicedAt;
      if (fresh) this.usedVoicedAt = voiced;
      this.open = { turn: this.turns, endOfSpeech: fresh ? voiced : at, decision: fresh ? at : undefined, marks: {}, bargeInReactionMs: null };
      return;
    }
    this.stage(mark, at);
  }

  /** Agent audio handed to the leg (first chunk of a burst is what counts). */
  agentAudio(at: number): void {
    this.burstAudioAt ??= at;
    this.stage('provider_audio', at);
  }

  /** The leg put the first frame of a burst on the wire. */
  firstFrameOut(at: number): void {
    if (this.burstAudioAt !== undefined) {
      this.outboundDelays.push(Math.max(0, at - this.burstAudioAt));
      if (this.outboundDelays.length > 1000) this.outboundDelays.shift();
    }
    this.burstAudioAt = undefined;
    if (this.open) {
      this.open.marks.first_audio = at;
      this.close();
    }
  }

  /** Outbound queue dropped / drained: the next audio starts a new burst. */
  burstEnded(): void {
    this.burstAudioAt = undefined;
  }

  bargeIn(reactionMs: number): void {
    if (this.open) this.open.bargeInReactionMs = Math.round(reactionMs * 10) / 10;
  }

  /** Emits the open turn (if any). */
  close(): void {
    const t = this.open;
    if (!t) return;
    this.open = undefined;
    const m = t.marks;
    this.onTurn({
      callId: this.callId,
      turn: t.turn,
      provider: this.provider,
      endOfSpeechAt: Math.round(this.clock.toEpoch(t.endOfSpeech)),
      endOfTurnMs: round(t.decision, t.endOfSpeech),
      sttFinalMs: round(m.stt_final, t.endOfSpeech),
      llmFirstTokenMs: round(m.llm_first_token, t.endOfSpeech),
      ttsFirstByteMs: round(m.tts_first_byte, t.endOfSpeech),
      providerAudioMs: round(m.provider_audio, t.endOfSpeech),
      firstAudioMs: round(m.first_audio, t.endOfSpeech),
      bargeInReactionMs: t.bargeInReactionMs,
    });
  }

  private stage(mark: StageMark, at: number): void {
    if (this.open && this.open.marks[mark] === undefined) this.open.marks[mark] = at;
  }
}

/** The total the histogram and the latency chart use: last voiced frame → first audio on the wire (or the last stage seen). */
export function turnTotalMs(t: TurnLatency): number | null {
  return t.firstAudioMs ?? t.providerAudioMs ?? t.ttsFirstByteMs ?? t.llmFirstTokenMs ?? t.sttFinalMs ?? t.endOfTurnMs ?? null;
}
