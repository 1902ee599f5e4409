/**
 * `downstream_mode: file`: agent audio of one utterance is written as a WAV
 * into `media_dir` and played with ARI `sound:ai-generated/<name>`; the file is
 * deleted after PlaybackFinished. The media dir is checked once per call so a
 * misconfiguration fails with a clear message instead of silent calls.
 */
import { accessSync, constants, existsSync, mkdirSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeWav } from '../media/wav.js';

class MediaDirError extends Error {}

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
function writeUtterance(dir: string, callId: string, seq: number, pcm: Buffer, sampleRate: number): { media: string; file: string } {
  const name = `aava-${callId}-${seq}`;
  const file = join(dir, `${name}.wav`);
  writeFileSync(file, encodeWav(pcm, sampleRate));
  return { media: `sound:${basename(dir)}/${name}`, file };
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

export interface FilePlayerHost {
  callId: string;
  callerChannelId: string;
  mediaDir: string;
  sampleRate: number;
  play(channelId: string, media: string, playbackId: string): Promise<unknown> | undefined;
  stop(playbackId: string): Promise<unknown> | undefined;
  warn(msg: string, fields: Record<string, unknown>): void;
}

/** One call's file playbacks: buffers an utterance, writes and plays it, deletes it after PlaybackFinished. */
export class FilePlayer {
  private chunks: Buffer[] = [];
  private seq = 0;
  private readonly playing = new Map<string, string>();

  constructor(private readonly host: FilePlayerHost) {}

  get active(): number {
    return this.playing.size;
  }

  /** Bytes of the current utterance not yet written. */
  get buffered(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  owns(playbackId: string): boolean {
    return this.playing.has(playbackId);
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** The utterance is complete: write it and start the ARI playback. Returns what was written. */
  flushToPlayback(onFailed: (id: string) => void): Buffer | undefined {
    const pcm = Buffer.concat(this.chunks);
    this.chunks = [];
    if (pcm.length === 0) return undefined;
    this.play(pcm, onFailed);
    return pcm;
  }

  /** Writes `pcm` as its own file and starts its ARI playback, apart from the buffered utterance. Returns the playback id. */
  play(pcm: Buffer, onFailed: (id: string) => void): string | undefined {
    if (pcm.length === 0) return undefined;
    const seq = ++this.seq;
    let file: string | undefined;
    try {
      const w = writeUtterance(this.host.mediaDir, this.host.callId, seq, pcm, this.host.sampleRate);
      file = w.file;
      const id = `aava-pb-${this.host.callId}-${seq}`;
      this.playing.set(id, file);
      this.host.play(this.host.callerChannelId, w.media, id)?.catch((err: Error) => {
        this.host.warn('file playback failed', { err: err.message });
        onFailed(id);
      });
      return id;
    } catch (err) {
      if (file) removeQuietly(file);
      this.host.warn('cannot write agent audio for file playback', { err: (err as Error).message, mediaDir: this.host.mediaDir });
      return undefined;
    }
  }

  /** PlaybackFinished (or failure): delete its file. */
  finished(playbackId: string): void {
    const file = this.playing.get(playbackId);
    this.playing.delete(playbackId);
    if (file) removeQuietly(file);
  }

  /** Barge-in or call end: stop every playback and drop buffered audio. */
  stopAll(): void {
    this.chunks = [];
    for (const [id, file] of this.playing) {
      void this.host.stop(id)?.catch(() => undefined);
      removeQuietly(file);
    }
    this.playing.clear();
  }
}
