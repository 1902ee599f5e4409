/**
 * The short filler ("One moment.") a caller hears while a tool runs longer
 * than `tools.filler.after_ms`: spoken by the engine's own TTS (flite, no
 * network, no model turn) straight into the call's audio out, once per tool
 * call, and only while the agent is not already talking.
 */
import { synthesize } from '../speech/flite.js';
import { createAudioConverter } from '../media/convert.js';
import type { AudioFormat } from '../media/audio-format.js';

/** Where the filler goes: the call's audio out, as the conversation offers it. */
export interface FillerAudio {
  /** The leg's wire format. */
  readonly wire: AudioFormat;
  /** Plays wire-format audio to the caller now. */
  play(wire: Buffer): void;
  /** True while the agent is audible or about to be (then the filler waits). */
  busy(): boolean;
}

export interface ArmedFiller {
  cancel(): void;
  readonly played: boolean;
}

const cache = new Map<string, Promise<Buffer>>();
const MAX_CACHED = 16;
const BUSY_RECHECK_MS = 200;

/** The filler text in a wire format (synthesized once per text and format). */
function fillerAudio(text: string, wire: AudioFormat): Promise<Buffer> {
  const key = `${wire.encoding}/${wire.sampleRate}/${text}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const { pcm, sampleRate } = await synthesize(text);
      const conv = await createAudioConverter({ encoding: 'pcm16', sampleRate }, wire);
      try {
        return conv.convert(pcm);
      } finally {
        conv.close();
      }
    })();
    p.catch(() => cache.delete(key));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, p);
  }
  return p;
}

/** Starts the clock for one tool run: after `afterMs` (and once the agent is quiet) the filler plays, unless cancelled first. */
export function armFiller(text: string, afterMs: number, audio: FillerAudio, onError: (err: Error) => void): ArmedFiller {
  let cancelled = false;
  let played = false;
  let timer: NodeJS.Timeout | undefined;
  const ready = fillerAudio(text, audio.wire);
  ready.catch(onError);
  const attempt = () => {
    if (cancelled) return;
    if (audio.busy()) {
      timer = setTimeout(attempt, BUSY_RECHECK_MS);
      return;
    }
    void ready.then((wire) => {
      if (cancelled || played) return;
      played = true;
      audio.play(wire);
    }, () => undefined);
  };
  timer = setTimeout(attempt, afterMs);
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
    get played() {
      return played;
    },
  };
}
