/// <reference types="vite/client" />
/**
 * The phone's WebAudio graph. Everything the far end hears goes through
 * `outbound` (a MediaStreamDestination used as the call's microphone):
 * the real microphone, scripted caller audio for test calls, and in-band
 * DTMF. Remote audio is metered by an AudioWorklet on the audio clock.
 */
import meterWorkletUrl from './meter.worklet.ts?worker&url';
import { dtmfFrequencies } from '../logic/dtmf';
import type { EnergyFrame } from '../logic/latency';

export type FrameListener = (frame: EnergyFrame) => void;

export interface RemoteTap {
  /** Subscribe to 10 ms frames of the remote stream (audio clock ms). */
  onFrame(listener: FrameListener): () => void;
  close(): void;
}

export class AudioEngine {
  readonly ctx: AudioContext;
  readonly outbound: MediaStreamAudioDestinationNode;
  private readonly micGain: GainNode;
  private micSource: MediaStreamAudioSourceNode | null = null;
  private micStream: MediaStream | null = null;
  private worklet: Promise<void> | null = null;
  private readonly monitor: GainNode;

  constructor() {
    this.ctx = new AudioContext({ latencyHint: 'interactive' });
    this.outbound = this.ctx.createMediaStreamDestination();
    this.outbound.channelCount = 1;
    this.micGain = this.ctx.createGain();
    this.micGain.connect(this.outbound);
    this.monitor = this.ctx.createGain();
    this.monitor.gain.value = 0.3;
    this.monitor.connect(this.ctx.destination);
  }

  /** Starts audio; browsers refuse until the user has clicked in the page, so this gives up after 2 s. */
  async resume(): Promise<void> {
    if (this.ctx.state === 'running') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const blocked = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Audio is blocked until you click in this window: click "Run test call" or "Call" again.')), 2000);
    });
    try {
      await Promise.race([this.ctx.resume(), blocked]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Audio-clock time in ms (the clock the worklet frames use). */
  nowMs(): number {
    return this.ctx.currentTime * 1000;
  }

  /**
   * performance.now() − audio render clock, to put SIP events and worklet
   * frames (stamped with the render clock) on one axis. Not the output
   * timestamp: that lags the render clock by the output latency.
   */
  clockOffsetMs(): number {
    return performance.now() - this.ctx.currentTime * 1000;
  }

  /** Opens the microphone (optionally a given device) into the outbound graph. Throws getUserMedia errors. */
  async useMicrophone(deviceId?: string): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: deviceId ? { deviceId: { exact: deviceId }, echoCancellation: true, noiseSuppression: true } : { echoCancellation: true, noiseSuppression: true },
      video: false,
    });
    this.releaseMicrophone();
    this.micStream = stream;
    this.micSource = this.ctx.createMediaStreamSource(stream);
    this.micSource.connect(this.micGain);
  }

  releaseMicrophone(): void {
    this.micSource?.disconnect();
    this.micSource = null;
    for (const t of this.micStream?.getTracks() ?? []) t.stop();
    this.micStream = null;
  }

  hasMicrophone(): boolean {
    return this.micStream !== null;
  }

  /** Plays a buffer into the call at audio-clock time `atMs` (default: now). Resolves {startMs, endMs} once scheduled. */
  playIntoCall(buffer: AudioBuffer, atMs?: number, monitor = true): { startMs: number; endMs: number; done: Promise<void> } {
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.outbound);
    if (monitor) src.connect(this.monitor);
    const startS = Math.max(this.ctx.currentTime + 0.02, (atMs ?? 0) / 1000);
    src.start(startS);
    const done = new Promise<void>((resolve) => {
      src.onended = () => {
        src.disconnect();
        resolve();
      };
    });
    return { startMs: startS * 1000, endMs: (startS + buffer.duration) * 1000, done };
  }

  /** In-band DTMF: the two Q.23 tones for `durationMs` into the outbound stream. */
  playDtmf(digit: string, durationMs = 120): void {
    const [low, high] = dtmfFrequencies(digit);
    const t0 = this.ctx.currentTime + 0.01;
    const t1 = t0 + durationMs / 1000;
    const gain = this.ctx.createGain();
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(0.25, t0 + 0.005);
    gain.gain.setValueAtTime(0.25, t1 - 0.005);
    gain.gain.linearRampToValueAtTime(0, t1);
    gain.connect(this.outbound);
    gain.connect(this.monitor);
    for (const f of [low, high]) {
      const osc = this.ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(t0);
      osc.stop(t1 + 0.01);
      osc.onended = () => osc.disconnect();
    }
    setTimeout(() => gain.disconnect(), durationMs + 200);
  }

  private loadWorklet(): Promise<void> {
    this.worklet ??= this.ctx.audioWorklet.addModule(meterWorkletUrl);
    return this.worklet;
  }

  /** Meters a stream (the remote party, or anything else) frame by frame. */
  async tap(stream: MediaStream): Promise<RemoteTap> {
    await this.loadWorklet();
    const source = this.ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(this.ctx, 'aava-meter', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
    const sink = this.ctx.createGain();
    sink.gain.value = 0;
    source.connect(node);
    node.connect(sink);
    sink.connect(this.ctx.destination);
    const listeners = new Set<FrameListener>();
    node.port.onmessage = (ev: MessageEvent<[number, number, number]>) => {
      const [tMs, durMs, rms] = ev.data;
      const frame = { tMs, durMs, rms };
      for (const l of listeners) l(frame);
    };
    return {
      onFrame(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      close() {
        listeners.clear();
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        sink.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    this.releaseMicrophone();
    if (this.ctx.state !== 'closed') await this.ctx.close();
  }
}
