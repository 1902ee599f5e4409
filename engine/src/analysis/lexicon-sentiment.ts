/**
 * Lexicon sentiment (AFINN via the `sentiment` package) per segment and per
 * call. Scores are the package's comparative score (AFINN sum per token),
 * clipped to −1…1; the call score weights segments by their word count.
 */
import Sentiment from 'sentiment';
import type { SentimentLabel } from '../api/recordings.js';

const analyzer = new Sentiment();

/** Above this magnitude a call (or segment) is positive/negative, else neutral. */
const NEUTRAL_BAND = 0.05;

export function labelOf(score: number): SentimentLabel {
  return score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral';
}

export interface TextSentiment {
  score: number;
  tokens: number;
  positive: string[];
  negative: string[];
}

export function textSentiment(text: string): TextSentiment {
  const r = analyzer.analyze(text);
  return { score: clip(r.comparative), tokens: r.tokens.length, positive: r.positive, negative: r.negative };
}

export function callSentiment(texts: readonly string[]): { score: number; label: SentimentLabel; reasons: string[] } {
  let weighted = 0;
  let tokens = 0;
  const pos = new Map<string, number>();
  const neg = new Map<string, number>();
  for (const t of texts) {
    const s = textSentiment(t);
    weighted += s.score * s.tokens;
    tokens += s.tokens;
    for (const w of s.positive) pos.set(w, (pos.get(w) ?? 0) + 1);
    for (const w of s.negative) neg.set(w, (neg.get(w) ?? 0) + 1);
  }
  const score = tokens > 0 ? Math.round((weighted / tokens) * 1000) / 1000 : 0;
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([w]) => w);
  const reasons: string[] = [];
  if (pos.size) reasons.push(`positive words: ${top(pos).join(', ')}`);
  if (neg.size) reasons.push(`negative words: ${top(neg).join(', ')}`);
  return { score, label: labelOf(score), reasons };
}

function clip(v: number): number {
  return Math.max(-1, Math.min(1, v));
}
