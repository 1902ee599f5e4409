/**
 * Caller speech detection on the engine side (pure): a frame counts as speech
 * when its energy is above the threshold and, if a voice classifier is given
 * (WebRTC VAD), the classifier agrees. `min_ms` of speech starts an episode;
 * `end_silence_ms` of non-speech ends it. Feeds barge-in and the no-input
 * watchdog.
 */
import { rms } from '../media/signal.js';

export interface SpeechDetectorOptions {
  energyThreshold: number;
  minSpeechMs: number;
  endSilenceMs: number;
  /** Optional voice classifier for one frame of 16-bit PCM. */
  isVoice?: (pcm: Int16Array) => boolean;
}

export type SpeechEvent = { type: 'start'; at: number; firstAt: number } | { type: 'end'; at: number };

export class SpeechDetector {
  private speechMs = 0;
  private silenceMs = 0;
  private firstAt = 0;
  private active = false;

  constructor(private readonly opts: SpeechDetectorOptions) {}

  get speaking(): boolean {
    return this.active;
  }

  /** One frame; `ms` its duration, `at` its arrival (performance.now()). */
  push(pcm: Int16Array, ms: number, at: number): SpeechEvent | undefined {
    const loud = rms(pcm) >= this.opts.energyThreshold && (this.opts.isVoice ? this.opts.isVoice(pcm) : true);
    if (loud) {
      if (this.speechMs === 0) this.firstAt = at;
      this.speechMs += ms;
      this.silenceMs = 0;
      if (!this.active && this.speechMs >= this.opts.minSpeechMs) {
        this.active = true;
        return { type: 'start', at, firstAt: this.firstAt };
      }
      return undefined;
    }
    this.silenceMs += ms;
    if (!this.active) {
      // short blips do not add up across silence
      if (this.silenceMs >= 60) this.speechMs = 0;
      return undefined;
    }
    if (this.silenceMs >= this.opts.endSilenceMs) {
      this.active = false;
      this.speechMs = 0;
      return { type: 'end', at };
    }
    return undefined;
  }
}
