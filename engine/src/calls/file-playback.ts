/**
 * `downstream_mode: file`: agent audio of one utterance is written as a WAV
 * into `media_dir` and played with ARI `sound:ai-generated/<name>`; the file is
 * deleted after PlaybackFinished. The media dir is checked once per call so a
 * misconfiguration fails with a clear message instead of silent calls.
 */
import { accessSync, constants, existsSync, mkdirSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeWav } from '../media/wav.js';

export class MediaDirError extends Error {}

export function checkMediaDir(dir: string): void {
  try {
    // Not recursive: the parent (the mount Asterisk also sees) must exist, and
    // Node's recursive mkdir can spin forever on pseudo file systems like /proc.
    if (!existsSync(dir)) mkdirSync(dir);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new MediaDirError(
      `media_dir "${dir}" is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); downstream_mode: file needs a directory Asterisk reads as sounds/ai-generated`,
    );
  }
}

/** Writes one utterance (16-bit PCM) and returns the `sound:` URI and the file path. */
export function writeUtterance(dir: string, callId: string, seq: number, pcm: Buffer, sampleRate: number): { media: string; file: string } {
  const name = `aava-${callId}-${seq}`;
  const file = join(dir, `${name}.wav`);
  writeFileSync(file, encodeWav(pcm, sampleRate));
  return { media: `sound:${basename(dir)}/${name}`, file };
}

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
