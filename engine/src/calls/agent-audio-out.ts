/**
 * Where the agent's audio goes: one contract, two implementations. The
 * streamed leg paces frames onto the media connection; file playback
 * (`downstream_mode: file`) writes each utterance as a WAV and has ARI play
 * it. The conversation does not know which one it talks to.
 */
import { performance } from 'node:perf_hooks';
import type { AudioFormat } from '../media/audio-format.js';
import { SLIN8 } from '../media/audio-format.js';
import type { MediaLeg } from '../media/transport.js';
import { decodeUlaw } from '../media/codecs/g711.js';
import { rms } from '../media/signal.js';
import { SILENT_DB, toDbfs } from '../media/voice/voice-activity.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { FilePlayer, type FilePlayerHost } from './file-playback.js';

export interface AgentAudioOutEvents extends Record<string, unknown> {
  /** The caller starts hearing an utterance (first frame on the wire, or PlaybackStarted). */
  firstFrameOut: { at: number };
  /** Nothing is queued or playing any more. */
  drained: undefined;
}

export interface AgentAudioOut {
  /** The format push() takes. */
  readonly format: AudioFormat;
  readonly events: TypedEmitter<AgentAudioOutEvents>;
  /** Agent audio, as it arrives from the provider (converted to `format`). */
  push(audio: Buffer): void;
  /** The utterance is complete: play what is buffered without waiting for more. */
  endOfUtterance(): void;
  /** Barge-in: stop and drop everything queued or playing. Returns the ms dropped (0 when unknown). */
  flush(): number;
  /** Agent audio is queued or playing. */
  busy(): boolean;
  /** Resolves once nothing is queued or playing (at once if nothing is). */
  whenDrained(): Promise<void>;
  /** ARI playback events of this call's playbacks (file playback; the streamed leg has none). */
  playbackEvent(id: string, type: 'PlaybackStarted' | 'PlaybackFinished'): boolean;
  /** Level of what the caller hears now (dBFS), for meters. */
  levelDb(): number;
  close(): void;
}

/** A frame older than this no longer counts as "playing now" for the meter. */
const LEVEL_WINDOW_MS = 200;

/** Agent audio paced onto the media leg, one frame per 20 ms tick. */
export function streamedOut(leg: MediaLeg): AgentAudioOut {
  const events = new TypedEmitter<AgentAudioOutEvents>();
  const off = [leg.events.on('firstFrameOut', (e) => events.emit('firstFrameOut', e)), leg.events.on('drained', () => events.emit('drained', undefined))];
  return {
    format: leg.wireFormat,
    events,
    push: (audio) => leg.enqueue(audio),
    endOfUtterance: () => leg.markEndOfBurst?.(),
    flush: () => leg.flush(),
    busy: () => leg.queuedMs() > 0,
    whenDrained: () => leg.whenDrained(),
    playbackEvent: () => false,
    levelDb() {
      const last = leg.lastFrameOut();
      if (!last || leg.clock.now() - last.at > LEVEL_WINDOW_MS) return SILENT_DB;
      return toDbfs(rms(leg.wireFormat.encoding === 'ulaw' ? decodeUlaw(last.frame) : last.frame));
    },
    close() {
      for (const f of off) f();
      events.removeAllListeners();
    },
  };
}

/** `downstream_mode: file`: each utterance becomes a WAV that ARI plays on the caller channel. */
export function fileOut(host: Omit<FilePlayerHost, 'sampleRate'>): AgentAudioOut {
  const events = new TypedEmitter<AgentAudioOutEvents>();
  const files = new FilePlayer({ ...host, sampleRate: SLIN8.sampleRate });
  let waiters: Array<() => void> = [];
  let levelDb = SILENT_DB;
  const busy = () => files.active > 0 || files.buffered > 0;
  const settle = () => {
    if (busy()) return;
    levelDb = SILENT_DB;
    const w = waiters;
    waiters = [];
    for (const r of w) r();
    events.emit('drained', undefined);
  };
  const finished = (id: string) => {
    files.finished(id);
    settle();
  };
  return {
    format: SLIN8,
    events,
    push: (audio) => files.push(audio),
    endOfUtterance() {
      const pcm = files.flushToPlayback((id) => finished(id));
      if (pcm) levelDb = toDbfs(rms(pcm));
      settle();
    },
    flush() {
      if (!busy()) return 0;
      files.stopAll();
      settle();
      return 0;
    },
    busy,
    whenDrained: () => (busy() ? new Promise<void>((r) => waiters.push(r)) : Promise.resolve()),
    playbackEvent(id, type) {
      if (!files.owns(id)) return false;
      if (type === 'PlaybackStarted') events.emit('firstFrameOut', { at: performance.now() });
      else finished(id);
      return true;
    },
    levelDb: () => (files.active > 0 ? levelDb : SILENT_DB),
    close() {
      files.stopAll();
      const w = waiters;
      waiters = [];
      for (const r of w) r();
      events.removeAllListeners();
    },
  };
}
