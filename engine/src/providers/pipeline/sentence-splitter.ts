/**
 * Cuts a stream of LLM tokens into speakable sentences (pure), so each
 * sentence can go to TTS while the model keeps generating. A sentence ends
 * at . ! ? (or a newline) followed by whitespace, except after common
 * abbreviations, initials and decimal numbers. Very long runs are cut at a
 * comma/semicolon so the first audio is not held back.
 */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'no', 'approx', 'dept', 'inc', 'ltd', 'co', 'mt', 'ave', 'rd', 'a.m', 'p.m']);

export interface SplitterOptions {
  /** Cut at a comma/semicolon once a sentence grows beyond this many characters. */
  maxChars?: number;
  /** Sentences shorter than this are joined with the next one (except at flush). */
  minChars?: number;
}

export class SentenceSplitter {
  private buf = '';
  private readonly maxChars: number;
  private readonly minChars: number;

  constructor(opts: SplitterOptions = {}) {
    this.maxChars = opts.maxChars ?? 160;
    this.minChars = opts.minChars ?? 2;
  }

  /** Adds a token; returns the sentences it completed. */
  push(token: string): string[] {
    this.buf += token;
    const out: string[] = [];
    let cut: number;
    while ((cut = this.findCut()) > 0) {
      const s = this.buf.slice(0, cut).trim();
      this.buf = this.buf.slice(cut);
      if (s) out.push(s);
    }
    return out;
  }

  /** The rest of the text (end of the LLM stream). */
  flush(): string[] {
    const s = this.buf.trim();
    this.buf = '';
    return s ? [s] : [];
  }

  private findCut(): number {
    const b = this.buf;
    for (let i = 0; i < b.length - 1; i++) {
      const c = b[i]!;
      const next = b[i + 1]!;
      if (c === '\n') {
        if (b.slice(0, i).trim().length >= this.minChars) return i + 1;
        continue;
      }
      if ((c === '.' || c === '!' || c === '?' || c === '…') && /\s/.test(next)) {
        // Swallow closing quotes/brackets that belong to the sentence.
        if (c === '.' && this.isAbbreviation(i)) continue;
        if (b.slice(0, i + 1).trim().length < this.minChars) continue;
        return i + 1;
      }
      if ((c === '"' || c === ')' || c === '”') && /[.!?]/.test(b[i - 1] ?? '') && /\s/.test(next)) return i + 1;
    }
    if (b.length > this.maxChars) {
      const window = b.slice(0, this.maxChars);
      const at = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '), window.lastIndexOf(': '));
      if (at > this.minChars) return at + 1;
    }
    return -1;
  }

  private isAbbreviation(dot: number): boolean {
    const before = this.buf.slice(0, dot);
    const word = /([A-Za-z.]+)$/.exec(before)?.[1]?.toLowerCase() ?? '';
    if (ABBREVIATIONS.has(word)) return true;
    // Single initials ("J. Smith") and decimals ("3.5" never reach here: no whitespace after the dot).
    if (/^[a-z]$/.test(word) && /[A-Z]$/.test(before)) return true;
    return false;
  }
}
