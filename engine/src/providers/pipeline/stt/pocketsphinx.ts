/**
 * Local STT: one long-running pocketsphinx process per call, fed 16 kHz
 * audio continuously; it closes utterances with its own silence detector,
 * and finalize() collects what it recognized for this turn.
 */
import { createStreamingRecognizer, pocketsphinxHealth, type PocketsphinxOptions, type Utterance } from '../../../speech/pocketsphinx.js';
import { SLIN16 } from '../../../media/audio-format.js';
import type { SttAdapter, SttStream } from '../stages.js';
import { wakeableWait } from './wakeable-wait.js';

/**
 * How long finalize() waits for pocketsphinx to close the utterance after
 * local end of speech: it needs its own trailing silence plus decoding time
 * (about 1–2 s on a small machine).
 */
const SETTLE_MS = 6000;

export function createPocketsphinxStt(config: PocketsphinxOptions): SttAdapter {
  return {
    type: 'pocketsphinx',
    format: () => SLIN16,
    health: () => pocketsphinxHealth(config),
    open(log, _wire, onFatal): SttStream {
      let pending: Utterance[] = [];
      let waiter: (() => void) | undefined;
      let failed: Error | undefined;
      let closing = false;
      const rec = createStreamingRecognizer(
        {
          utterance(u) {
            pending.push(u);
            waiter?.();
          },
          error(err) {
            failed = err;
            log.warn({ err: err.message }, 'pocketsphinx stopped');
            waiter?.();
            if (!closing) onFatal(err);
          },
        },
        config,
      );
      return {
        write: (audio) => rec.write(audio),
        speechStarted() {},
        async finalize(signal) {
          if (failed) throw failed;
          if (pending.length === 0 && !signal.aborted && !closing) {
            await wakeableWait(SETTLE_MS, signal, (wake) => (waiter = wake));
          }
          // An aborted turn (the caller went on speaking) leaves its words for the next one.
          if (signal.aborted) return '';
          const text = pending.map((u) => u.text).join(' ').trim();
          pending = [];
          if (!text && failed) throw failed;
          return text;
        },
        async close() {
          closing = true;
          waiter?.();
          rec.close();
        },
      };
    },
  };
}
