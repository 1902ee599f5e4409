/**
 * Parsing of `pocketsphinx_continuous -time yes` output (pure). Each
 * utterance prints its hypothesis line, then one line per word:
 * `<word> <startSec> <endSec> <confidence>`, framed by `<s>` and `</s>`.
 * Times are seconds from the start of the audio stream.
 */
export interface WordSegment {
  word: string;
  /** Seconds from the start of the stream. */
  startSec: number;
  endSec: number;
  /** Posterior probability 0–1 as printed by pocketsphinx. */
  confidence: number;
}

export interface Utterance {
  text: string;
  startSec: number;
  endSec: number;
  words: WordSegment[];
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;
/** Fillers and markers that are not words: <s>, </s>, <sil>, [NOISE], ++garbage++. */
const NON_WORD = /^(<\/?s>|<sil>|\[.*\]|\+\+.*\+\+)$/;

/** `to(3)` → `to` (pronunciation variants). */
function cleanWord(w: string): string {
  return w.replace(/\(\d+\)$/, '');
}

/**
 * Incremental parser: feed stdout text, get completed utterances. An
 * utterance is complete at its `</s>` line.
 */
export class PocketsphinxOutputParser {
  private partial = '';
  private hypothesis: string | undefined;
  private words: WordSegment[] = [];
  private start: number | undefined;

  push(chunk: string): Utterance[] {
    const out: Utterance[] = [];
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const u = this.line(raw.trim());
      if (u) out.push(u);
    }
    return out;
  }

  /** Flushes a trailing utterance without `</s>` (process ended). */
  end(): Utterance[] {
    const out = this.push('\n');
    if (this.words.length > 0 || (this.hypothesis && this.hypothesis.length > 0)) {
      out.push(this.finish(this.words.at(-1)?.endSec ?? this.start ?? 0));
    }
    return out;
  }

  private line(line: string): Utterance | undefined {
    if (line === '') return undefined;
    const m = WORD_LINE.exec(line);
    if (!m) {
      // A hypothesis line starts a new utterance (it may be empty: then only segments follow).
      this.hypothesis = line;
      this.words = [];
      this.start = undefined;
      return undefined;
    }
    const [, token, s, e, c] = m as unknown as [string, string, string, string, string];
    const startSec = Number(s);
    const endSec = Number(e);
    if (token === '<s>') {
      this.start = startSec;
      this.words = [];
      return undefined;
    }
    if (token === '</s>') return this.finish(endSec);
    if (NON_WORD.test(token)) return undefined;
    this.start ??= startSec;
    this.words.push({ word: cleanWord(token), startSec, endSec, confidence: Number(c) });
    return undefined;
  }

  private finish(endSec: number): Utterance {
    const text = this.words.length > 0 ? this.words.map((w) => w.word).join(' ') : (this.hypothesis ?? '').trim();
    const last = this.words.at(-1);
    const u: Utterance = { text, startSec: this.words[0]?.startSec ?? this.start ?? 0, endSec: last?.endSec ?? endSec, words: this.words };
    this.hypothesis = undefined;
    this.words = [];
    this.start = undefined;
    return u;
  }
}

/** Parses a complete output (batch mode). Empty utterances are dropped. */
export function parsePocketsphinxOutput(stdout: string): Utterance[] {
  const p = new PocketsphinxOutputParser();
  return [...p.push(stdout), ...p.end()].filter((u) => u.text.length > 0);
}
