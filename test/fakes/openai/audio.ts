/**
 * Audio helpers for the provider fakes (test-only): tones, G.711 µ-law on
 * byte buffers (the fake Asterisk's codec), and the simple energy VAD the
 * fakes use to play "server VAD".
 */
import { linearToUlaw, ulawToLinear } from '../asterisk/audio.js';

export function tone(sampleRate: number, ms: number, hz = 440, amplitude = 8000): Buffer {
  const n = Math.round((sampleRate * ms) / 1000);
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate)), i * 2);
  return out;
}

export function silence(sampleRate: number, ms: number): Buffer {
  return Buffer.alloc(Math.round((sampleRate * ms) / 1000) * 2);
}

export function rms(pcm16: Buffer): number {
  const n = Math.floor(pcm16.length / 2);
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = pcm16.readInt16LE(i * 2);
    sum += v * v;
  }
  return Math.sqrt(sum / n);
}

export function ulawToPcm16(ulaw: Buffer): Buffer {
  const out = Buffer.alloc(ulaw.length * 2);
  for (let i = 0; i < ulaw.length; i++) out.writeInt16LE(ulawToLinear(ulaw[i]!), i * 2);
  return out;
}

export function pcm16ToUlaw(pcm: Buffer): Buffer {
  const n = Math.floor(pcm.length / 2);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = linearToUlaw(pcm.readInt16LE(i * 2));
  return out;
}

export interface EnergyVadOptions {
  sampleRate: number;
  /** RMS above this is speech. */
  threshold?: number;
  /** Silence that ends an utterance. */
  silenceMs?: number;
}

/**
 * Energy VAD on a stream of pcm16: reports speech start and stop with the
 * stream position in ms. Stands in for the providers' server VAD.
 */
export class EnergyVad {
  private speaking = false;
  private silentMs = 0;
  private posMs = 0;
  private carry = Buffer.alloc(0);
  constructor(
    private readonly opts: EnergyVadOptions,
    private readonly on: { start(atMs: number): void; stop(atMs: number): void },
  ) {}

  push(pcm16: Buffer): void {
    const frame = Math.round(this.opts.sampleRate / 50) * 2;
    let buf = Buffer.concat([this.carry, pcm16]);
    while (buf.length >= frame) {
      const f = buf.subarray(0, frame);
      buf = buf.subarray(frame);
      const loud = rms(f) > (this.opts.threshold ?? 500);
      if (loud) {
        this.silentMs = 0;
        if (!this.speaking) {
          this.speaking = true;
          this.on.start(this.posMs);
        }
      } else if (this.speaking) {
        this.silentMs += 20;
        if (this.silentMs >= (this.opts.silenceMs ?? 500)) {
          this.speaking = false;
          this.on.stop(this.posMs);
        }
      }
      this.posMs += 20;
    }
    this.carry = Buffer.from(buf);
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }
}
