/**
 * Per-turn latency (pure): observes the provider's marks and the leg's first
 * outbound frame, and produces one TurnLatency per turn. A turn starts at the
 * caller's end of speech; it closes at the first agent audio on the wire or
 * when the next turn starts.
 */
import type { TurnLatency } from '../api/calls.js';
import type { LatencyMark } from '../providers/provider.js';

export interface TrackerClock {
  /** performance.now() → epoch ms */
  toEpoch(perfMs: number): number;
}

interface OpenTurn {
  turn: number;
  endOfSpeech: number;
  marks: Partial<Record<Exclude<LatencyMark, 'end_of_speech'> | 'first_audio', number>>;
  bargeInReactionMs: number | null;
}

const round = (v: number | undefined, base: number): number | null => (v === undefined ? null : Math.max(0, Math.round((v - base) * 10) / 10));

export class LatencyTracker {
  private open: OpenTurn | undefined;
  private turns = 0;
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
      this.open = { turn: this.turns, endOfSpeech: at, marks: {}, bargeInReactionMs: null };
      return;
    }
    if (this.open && this.open.marks[mark] === undefined) this.open.marks[mark] = at;
  }

  /** Agent audio handed to the leg (first chunk of a burst is what counts). */
  agentAudio(at: number): void {
    this.burstAudioAt ??= at;
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
    this.onTurn({
      callId: this.callId,
      turn: t.turn,
      provider: this.provider,
      endOfSpeechAt: Math.round(this.clock.toEpoch(t.endOfSpeech)),
      sttFinalMs: round(t.marks.stt_final, t.endOfSpeech),
      llmFirstTokenMs: round(t.marks.llm_first_token, t.endOfSpeech),
      ttsFirstByteMs: round(t.marks.tts_first_byte, t.endOfSpeech),
      firstAudioMs: round(t.marks.first_audio, t.endOfSpeech),
      bargeInReactionMs: t.bargeInReactionMs,
    });
  }
}

/** The total the histogram and the latency chart use: end of speech → first audio (or the last stage seen). */
export function turnTotalMs(t: TurnLatency): number | null {
  return t.firstAudioMs ?? t.ttsFirstByteMs ?? t.llmFirstTokenMs ?? t.sttFinalMs;
}
