/**
 * The one owner of a call's voice activity. It sees every clocked inbound
 * frame once (decoded pcm16), classifies it, and publishes events that every
 * consumer subscribes to (barge-in, echo, pipelines, the no-input watchdog,
 * latency, levels):
 *
 * - `start` once `minSpeechMs` of consecutive voiced frames arrived
 *   (`firstVoicedAt` = arrival of the first of them);
 * - `sustained` once the episode holds `sustainMs` of voiced audio (barge-in
 *   may cut the agent from here; fires with `start` when sustainMs ≤ minSpeechMs);
 * - `end` on the wall clock at last voiced frame + `endSilenceMs`, whether or
 *   not frames arrive meanwhile (an alarm on the shared media clock decides).
 *
 * Synthesized frames (the inbound clock's silence) are never voiced and are
 * not classified. `streamMs` positions count the frames pushed (20 ms each),
 * so a consumer of the same stream can cut the speech out of it (echo).
 */
import type { VoiceClassifier } from '../vad/vad.js';
import type { Alarm } from '../pacer.js';

export type VoiceEvent =
  | { type: 'start'; at: number; firstVoicedAt: number; streamMs: number }
  | { type: 'sustained'; at: number; firstVoicedAt: number; /** Loudest frame of the episode so far (RMS, sample units). */ peakRms: number }
  | { type: 'end'; at: number; lastVoicedAt: number; streamMs: number };

export interface VoiceActivityOptions {
  classifier: VoiceClassifier;
  /** Bytes per ms of the pcm16 pushed (16 at 8 kHz, 32 at 16 kHz). */
  bytesPerMs: number;
  minSpeechMs: number;
  sustainMs: number;
  endSilenceMs: number;
  /** From the media clock: wakes the owner at last voiced + endSilenceMs. */
  alarm(fire: (now: number) => void): Alarm;
}

/** dBFS floor reported for silence. */
export const SILENT_DB = -90;

export function toDbfs(rmsLevel: number): number {
  return rmsLevel <= 0 ? SILENT_DB : Math.max(SILENT_DB, Math.round(20 * Math.log10(rmsLevel / 32768) * 10) / 10);
}

export class VoiceActivity {
  private readonly listeners: Array<(ev: VoiceEvent) => void> = [];
  private readonly alarm: Alarm;
  private speakingNow = false;
  private sustainedSent = false;
  private runMs = 0;
  private voicedMs = 0;
  private posMs = 0;
  private firstAt = 0;
  private firstPos = 0;
  private lastAt: number | undefined;
  private lastPos = 0;
  private peakRms = 0;
  private episodePeak = 0;
  private closed = false;

  constructor(private readonly opts: VoiceActivityOptions) {
    this.alarm = opts.alarm((now) => this.endIfQuiet(now));
  }

  /** Subscribe; returns the unsubscribe. Listeners run synchronously, in subscription order. */
  on(fn: (ev: VoiceEvent) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  get speaking(): boolean {
    return this.speakingNow;
  }

  /** Arrival time of the last voiced frame (performance.now() ms), in or out of a speech episode. */
  get lastVoicedAt(): number | undefined {
    return this.lastAt;
  }

  get classifierKind(): VoiceClassifier['kind'] {
    return this.opts.classifier.kind;
  }

  /** One clocked frame: decoded pcm16, its arrival (or synthesis) time. */
  push(pcm: Buffer, at: number, synthesized: boolean): void {
    if (this.closed) return;
    const ms = pcm.length / this.opts.bytesPerMs;
    this.posMs += ms;
    if (synthesized) {
      if (!this.speakingNow) this.runMs = this.episodePeak = 0;
      return;
    }
    const voiced = this.opts.classifier.classify(pcm);
    const level = this.opts.classifier.lastRms;
    if (level > this.peakRms) this.peakRms = level;
    if (voiced && level > this.episodePeak) this.episodePeak = level;
    if (!voiced) {
      if (!this.speakingNow) this.runMs = this.episodePeak = 0;
      return;
    }
    this.lastAt = at;
    this.lastPos = this.posMs;
    if (!this.speakingNow) {
      if (this.runMs === 0) {
        this.firstAt = at;
        this.firstPos = this.posMs - ms;
      }
      this.runMs += ms;
      if (this.runMs < this.opts.minSpeechMs) return;
      this.speakingNow = true;
      this.sustainedSent = false;
      this.voicedMs = this.runMs;
      this.emit({ type: 'start', at, firstVoicedAt: this.firstAt, streamMs: this.firstPos });
    } else {
      this.voicedMs += ms;
    }
    if (!this.sustainedSent && this.voicedMs >= this.opts.sustainMs) {
      this.sustainedSent = true;
      this.emit({ type: 'sustained', at, firstVoicedAt: this.firstAt, peakRms: this.episodePeak });
    }
    this.alarm.set(at + this.opts.endSilenceMs);
  }

  /** Peak level since the last call, in dBFS (SILENT_DB when nothing was heard). */
  takeLevelDb(): number {
    const db = toDbfs(this.peakRms);
    this.peakRms = 0;
    return db;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.alarm.close();
    this.listeners.length = 0;
    this.opts.classifier.close();
  }

  private endIfQuiet(now: number): void {
    if (this.closed || !this.speakingNow || this.lastAt === undefined) return;
    const due = this.lastAt + this.opts.endSilenceMs;
    if (now + 1 < due) {
      this.alarm.set(due);
      return;
    }
    this.speakingNow = false;
    this.runMs = this.episodePeak = 0;
    this.emit({ type: 'end', at: now, lastVoicedAt: this.lastAt, streamMs: this.lastPos });
  }

  private emit(ev: VoiceEvent): void {
    for (const fn of this.listeners) fn(ev);
  }
}
