/**
 * Per-call media plumbing: remote playout (with output device selection),
 * the remote level/energy tap, live getStats() and the one-way-audio watchdog.
 */
import type { AudioEngine, FrameListener, RemoteTap } from './audio-engine';
import { InboundWatchdog, summarizeStats, type CallStats, type StatLike } from '../logic/stats';

export interface CallMediaHooks {
  onStats(stats: CallStats): void;
  onOneWayAudio(afterMs: number): void;
}

const ONE_WAY_AUDIO_MS = 3000;

export class CallMedia {
  private readonly el: HTMLAudioElement;
  private tap: RemoteTap | null = null;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private readonly pending = new Set<FrameListener>();
  private oneWayReported = false;
  private lastStats: CallStats | null = null;

  constructor(
    private readonly audio: AudioEngine,
    private readonly pc: RTCPeerConnection,
    remote: MediaStream,
    private readonly hooks: CallMediaHooks,
    outputId: string | undefined,
  ) {
    this.el = document.createElement('audio');
    this.el.autoplay = true;
    this.el.srcObject = remote;
    this.el.dataset.role = 'softphone-remote';
    if (outputId) void this.setOutput(outputId);
    void this.el.play().catch(() => undefined);
    // Chrome only feeds a remote WebRTC stream into WebAudio while it is also attached to a media element.
    void audio.tap(remote).then((t) => {
      this.tap = t;
      for (const l of this.pending) t.onFrame(l);
      this.pending.clear();
    });
  }

  /** Starts stats polling and the watchdog once the call is answered. `held()` suspends the watchdog. */
  answered(answeredAtPerf: number, held: () => boolean = () => false): void {
    const watchdog = new InboundWatchdog(answeredAtPerf, ONE_WAY_AUDIO_MS);
    const poll = async () => {
      let reports: StatLike[];
      try {
        const stats = await this.pc.getStats();
        reports = [];
        stats.forEach((r: StatLike) => reports.push(r));
      } catch {
        return;
      }
      const s = summarizeStats(reports, this.lastStats ?? undefined);
      this.lastStats = s;
      this.hooks.onStats(s);
      if (watchdog.update(performance.now(), s.packetsReceived, held()) && !this.oneWayReported) {
        this.oneWayReported = true;
        this.hooks.onOneWayAudio(ONE_WAY_AUDIO_MS);
      }
    };
    this.statsTimer = setInterval(() => void poll(), 1000);
    this.poll = poll;
  }

  private poll: (() => Promise<void>) | null = null;

  /** Fresh stats now (e.g. right before a test call hangs up). */
  async refreshStats(): Promise<void> {
    await this.poll?.();
  }

  onFrame(listener: FrameListener): () => void {
    if (this.tap) return this.tap.onFrame(listener);
    this.pending.add(listener);
    return () => this.pending.delete(listener);
  }

  async setOutput(deviceId: string): Promise<void> {
    const el = this.el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (el.setSinkId) await el.setSinkId(deviceId);
  }

  close(): void {
    clearInterval(this.statsTimer);
    this.tap?.close();
    this.pending.clear();
    this.el.pause();
    this.el.srcObject = null;
  }
}
