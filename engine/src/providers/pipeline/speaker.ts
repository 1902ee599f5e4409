/**
 * Sentence-by-sentence speech output: sentences are queued as the LLM
 * produces them and synthesized in order while the LLM keeps going; audio
 * goes to the sink as each chunk arrives. Tracks when the queued audio will
 * have finished playing, so barge-in knows whether the agent is audible.
 */
import type { TtsAdapter } from './stages.js';
import type { SessionSink } from '../provider.js';
import { bytesToMs } from '../../media/audio-format.js';

export class Speaker {
  private queue: string[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private firstByte = false;
  readonly done: Promise<void>;

  constructor(
    private readonly tts: TtsAdapter,
    private readonly sink: Pick<SessionSink, 'audio'>,
    private readonly signal: AbortSignal,
    private readonly onFirstByte: () => void,
    /** Shared playout clock (performance.now() ms) across speakers of one session. */
    private readonly clock: { playoutEndsAt: number },
  ) {
    this.done = this.run();
    this.done.catch(() => undefined);
  }

  say(sentence: string): void {
    this.queue.push(sentence);
    this.wake?.();
  }

  /** No more sentences; `done` resolves once the queue is spoken. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.signal.aborted) return;
      const s = this.queue.shift();
      if (s === undefined) {
        if (this.ended) return;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      for await (const chunk of this.tts.synthesize(s, this.signal)) {
        if (this.signal.aborted) return;
        if (!this.firstByte) {
          this.firstByte = true;
          this.onFirstByte();
        }
        const now = performance.now();
        this.clock.playoutEndsAt = Math.max(now, this.clock.playoutEndsAt) + bytesToMs(this.tts.format, chunk.length);
        this.sink.audio(chunk);
      }
    }
  }
}
