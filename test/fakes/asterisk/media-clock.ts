/**
 * One drift-free 20 ms clock for all the fake's media: every tick, each
 * caller in a bridge with a media leg sends its next 160 samples to the leg.
 * Like a real leg with transmit_silence off (the Asterisk default), a caller
 * sends no frames at all while its source is silent or has ended, nor while
 * a DTMF digit is being sent; `transmitSilence: true` on injectCall() gives
 * the continuous stream instead. Nothing is sent before the caller is
 * bridged, as Asterisk sends nothing without a bridge peer.
 */
import { performance } from 'node:perf_hooks';
import type { FakeAsterisk } from './fake-asterisk.js';
import type { FakeBridge, FakeChannel } from './model.js';

const FRAME = 160;
const SILENCE = new Int16Array(FRAME);

export class MediaClock {
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private ticks = 0;
  /** Each caller's phase (FakeAsteriskOptions.mediaPhases), handed out round-robin. */
  private readonly phaseOf = new WeakMap<FakeChannel, number>();
  private nextPhase = 0;

  constructor(private readonly fake: FakeAsterisk) {}

  bridgeChanged(): void {
    if (!this.timer) {
      this.startedAt = performance.now();
      this.ticks = 0;
      this.schedule();
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private get stepMs(): number {
    return 20 / this.fake.opts.mediaPhases;
  }

  private schedule(): void {
    const due = this.startedAt + (this.ticks + 1) * this.stepMs;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - performance.now()));
  }

  private tick(): void {
    this.ticks++;
    const phases = this.fake.opts.mediaPhases;
    const phase = this.ticks % phases;
    let anyCaller = false;
    for (const ch of this.fake.channels.values()) {
      if (ch.role !== 'caller') continue;
      anyCaller = true;
      if (!ch.bridgeId || !ch.source) continue;
      const bridge = this.fake.bridges.get(ch.bridgeId);
      if (!bridge || !this.hasLeg(bridge, ch)) continue;
      if (phases > 1 && this.callerPhase(ch, phases) !== phase) continue;
      const frame = this.nextFrame(ch);
      if (frame) this.sendToLegs(bridge, ch, frame);
    }
    if (!anyCaller) {
      this.timer = undefined;
      return;
    }
    // Catch up without bursts if the event loop stalled for long.
    if (performance.now() - (this.startedAt + this.ticks * this.stepMs) > 200) {
      this.startedAt = performance.now() - this.ticks * this.stepMs;
    }
    this.schedule();
  }

  private callerPhase(ch: FakeChannel, phases: number): number {
    let p = this.phaseOf.get(ch);
    if (p === undefined) {
      p = this.nextPhase++ % phases;
      this.phaseOf.set(ch, p);
    }
    return p;
  }

  /** Whether the caller's bridge holds a media leg (AudioSocket, RTP or WebSocket); no list made per tick. */
  private hasLeg(bridge: FakeBridge, caller: FakeChannel): boolean {
    for (const id of bridge.channels) if (this.isLeg(this.fake.channels.get(id), caller)) return true;
    return false;
  }

  private sendToLegs(bridge: FakeBridge, caller: FakeChannel, frame: Int16Array): void {
    for (const id of bridge.channels) {
      const leg = this.fake.channels.get(id);
      if (!this.isLeg(leg, caller)) continue;
      leg.audiosocket?.sendAudio(frame);
      leg.rtp?.sendAudio(frame);
      leg.websocket?.sendAudio(frame);
    }
  }

  private isLeg(other: FakeChannel | undefined, caller: FakeChannel): other is FakeChannel {
    return other !== undefined && other !== caller && (other.audiosocket !== undefined || other.rtp !== undefined || other.websocket !== undefined);
  }

  /**
   * The caller's next 20 ms, or undefined when it sends nothing this tick. A full frame is a view of the
   * source (no copy: the legs encode it before returning and the source is never written to); only the
   * last, short frame of a source is copied and padded with silence.
   */
  private nextFrame(ch: FakeChannel): Int16Array | undefined {
    const src = ch.source!;
    if (src.pausedUntil !== undefined && performance.now() < src.pausedUntil) return undefined;
    if (src.pos >= src.pcm.length && src.loop && src.pcm.length > 0) src.pos = 0;
    if (src.pos >= src.pcm.length) return src.after === 'silence' ? SILENCE : undefined;
    const end = Math.min(src.pos + FRAME, src.pcm.length);
    let f = src.pcm.subarray(src.pos, end);
    if (f.length < FRAME) {
      const padded = new Int16Array(FRAME);
      padded.set(f);
      f = padded;
    }
    src.pos = end;
    if (allZero(f)) return src.dtx ? undefined : f;
    src.lastAudioAt = performance.now();
    return f;
  }
}

function allZero(f: Int16Array): boolean {
  for (let i = 0; i < f.length; i++) if (f[i] !== 0) return false;
  return true;
}
