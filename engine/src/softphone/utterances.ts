/**
 * Scripted caller turns for test calls, spoken by the local flite voice and
 * kept as WAV files in <dataDir>/softphone/utterances/<n>.wav. The page loads
 * them through the media route `softphone/utterances/<n>`.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../speech/flite.js';
import { encodeWav } from '../media/wav.js';

/** Short, comma-free sentences: one breath each, so a VAD hears one turn per file. */
export const DEFAULT_UTTERANCES = ['What are your opening hours today?', 'Thank you very much for your help.'];

function utterancesDir(dataDir: string): string {
  return join(dataDir, 'softphone', 'utterances');
}

function utteranceFile(dataDir: string, n: number): string {
  return join(utterancesDir(dataDir), `${n}.wav`);
}

/** Writes the missing files (atomically). Returns how many were synthesized. */
export async function ensureUtterances(dataDir: string, texts: readonly string[] = DEFAULT_UTTERANCES): Promise<number> {
  mkdirSync(utterancesDir(dataDir), { recursive: true });
  let made = 0;
  for (const [i, text] of texts.entries()) {
    const file = utteranceFile(dataDir, i + 1);
    if (existsSync(file)) continue;
    const { pcm, sampleRate } = await synthesize(text);
    if (pcm.length === 0) continue;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, encodeWav(pcm, sampleRate));
    renameSync(tmp, file);
    made++;
  }
  return made;
}

/** `softphone/utterances/<n>` → the WAV file, when it exists. */
export function resolveUtterance(dataDir: string, mediaPath: string): { file: string; contentType: string } | undefined {
  const m = /^softphone\/utterances\/([1-9]\d{0,1})$/.exec(mediaPath);
  if (!m) return undefined;
  const file = utteranceFile(dataDir, Number(m[1]));
  return existsSync(file) ? { file, contentType: 'audio/wav' } : undefined;
}
