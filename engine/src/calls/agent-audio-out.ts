/**
 * Where the agent's audio goes: one contract, two implementations. The
 * streamed leg paces frames onto the media connection; file playback
 * (`downstream_mode: file`) writes each utterance as a WAV and has ARI play
 * it. The conversation does not know which one it talks to.
 *
 * Audio the engine makes itself (the tool filler, the provider-failure notice)
 * goes through `pushLocal`: it plays as an utterance of its own and never
 * emits `firstFrameOut`, so it never counts as a turn's first agent audio;
 * provider audio that arrives while it plays follows it as a new utterance,
 * whose first frame is the one that counts.
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
  /** The caller starts hearing an utterance of agent (provider) audio (first frame on the wire, or PlaybackStarted). */
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
  /** Engine-made audio (`format`), played as a whole utterance of its own; never emits firstFrameOut. */
  pushLocal(audio: Buffer): void;
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

/**
 * Agent audio paced onto the media leg, one frame per 20 ms tick. While a
 * burst of engine-made audio plays, provider audio is held and enqueued when
 * that burst drains, so the leg's first frame of it is a burst of its own.
 */
export function streamedOut(leg: MediaLeg): AgentAudioOut {
  const events = new TypedEmitter<AgentAudioOutEvents>();
  /** The burst on the leg began with engine-made audio. */
  let localBurst = false;
  /** Provider audio held behind a local burst, and whether its utterance already ended. */
  let held: Buffer[] = [];
  let heldEnded = false;
  let waiters: Array<() => void> = [];
  const busy = () => leg.queuedMs() > 0 || held.length > 0;
  const settled = () => {
    const w = waiters;
    waiters = [];
    for (const r of w) r();
    events.emit('drained', undefined);
  };
  const onDrained = () => {
    localBurst = false;
    if (held.length === 0) return settled();
    const audio = held;
    const ended = heldEnded;
    held = [];
    heldEnded = false;
    for (const a of audio) leg.enqueue(a);
    if (ended) leg.markEndOfBurst?.();
  };
  const off = [
    leg.events.on('firstFrameOut', (e) => {
      if (!localBurst) events.emit('firstFrameOut', e);
    }),
    leg.events.on('drained', onDrained),
    leg.events.on('closed', () => settled()),
  ];
  return {
    format: leg.wireFormat,
    events,
    push(audio) {
      if (localBurst) held.push(audio);
      else leg.enqueue(audio);
    },
    endOfUtterance() {
      if (localBurst) heldEnded = held.length > 0;
      else leg.markEndOfBurst?.();
    },
    pushLocal(audio) {
      if (audio.length === 0) return;
      // On an idle leg it is a burst of its own; behind agent audio it just follows (that burst's first frame was the agent's).
      if (leg.queuedMs() === 0) localBurst = true;
      leg.enqueue(audio);
      leg.markEndOfBurst?.();
    },
    flush() {
      held = [];
      heldEnded = false;
      const ms = leg.flush();
      localBurst = false;
      return ms;
    },
    busy,
    whenDrained: () => (busy() ? new Promise<void>((r) => waiters.push(r)) : Promise.resolve()),
    playbackEvent: () => false,
    levelDb() {
      const last = leg.lastFrameOut();
      if (!last || leg.clock.now() - last.at > LEVEL_WINDOW_MS) return SILENT_DB;
      return toDbfs(rms(leg.wireFormat.encoding === 'ulaw' ? decodeUlaw(last.frame) : last.frame));
    },
    close() {
      for (const f of off) f();
      held = [];
      const w = waiters;
      waiters = [];
      for (const r of w) r();
      events.removeAllListeners();
    },
  };
}

/** `downstream_mode: file`: each utterance becomes a WAV that ARI plays on the caller channel. */
export function fileOut(host: Omit<FilePlayerHost, 'sampleRate'>): AgentAudioOut {
  const events = new TypedEmitter<AgentAudioOutEvents>();
  const files = new FilePlayer({ ...host, sampleRate: SLIN8.sampleRate });
  /** Playbacks of engine-made audio: their PlaybackStarted is not the agent's first audio. */
  const local = new Set<string>();
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
    local.delete(id);
    settle();
  };
  const endOfUtterance = () => {
    const pcm = files.flushToPlayback((id) => finished(id));
    if (pcm) levelDb = toDbfs(rms(pcm));
    settle();
  };
  const stopAll = () => {
    files.stopAll();
    local.clear();
  };
  return {
    format: SLIN8,
    events,
    push: (audio) => files.push(audio),
    endOfUtterance,
    pushLocal(audio) {
      // Buffered agent audio plays first, as its own file.
      if (files.buffered > 0) endOfUtterance();
      const id = files.play(audio, (failed) => finished(failed));
      if (!id) return settle();
      local.add(id);
      levelDb = toDbfs(rms(audio));
    },
    flush() {
      if (!busy()) return 0;
      stopAll();
      settle();
      return 0;
    },
    busy,
    whenDrained: () => (busy() ? new Promise<void>((r) => waiters.push(r)) : Promise.resolve()),
    playbackEvent(id, type) {
      if (!files.owns(id)) return false;
      if (type === 'PlaybackFinished') finished(id);
      else if (!local.has(id)) events.emit('firstFrameOut', { at: performance.now() });
      return true;
    },
    levelDb: () => (files.active > 0 ? levelDb : SILENT_DB),
    close() {
      stopAll();
      const w = waiters;
      waiters = [];
      for (const r of w) r();
      events.removeAllListeners();
    },
  };
}
