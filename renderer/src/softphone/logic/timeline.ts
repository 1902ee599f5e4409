/**
 * Layout of the test call's timeline (pure): the per-turn gaps the caller
 * feels (answer → greeting, end of each caller utterance → the agent's
 * reply), a time axis with round ticks, and label rows chosen so that no two
 * labels overlap.
 */

export interface Segment {
  kind: 'caller' | 'agent';
  startMs: number;
  endMs: number;
}

export interface Gap {
  kind: 'greeting' | 'reply';
  /** 0 for the greeting, n for reply n. */
  index: number;
  fromMs: number;
  toMs: number;
  /** What the label says: the report's figure when it has one (corrected for this phone's own delays), else the drawn gap. */
  ms: number;
}

/** Greeting gap (answer → first agent audio) and, per caller utterance, end of it → the next agent audio. */
export function turnGaps(timeline: Segment[], answerMs: number | null, greetingMs: number | null, repliesMs: (number | null)[]): Gap[] {
  const sorted = [...timeline].sort((a, b) => a.startMs - b.startMs);
  const agent = sorted.filter((s) => s.kind === 'agent');
  const caller = sorted.filter((s) => s.kind === 'caller');
  const gaps: Gap[] = [];
  if (answerMs !== null) {
    const first = agent.find((a) => a.startMs >= answerMs);
    if (first) gaps.push({ kind: 'greeting', index: 0, fromMs: answerMs, toMs: first.startMs, ms: greetingMs ?? first.startMs - answerMs });
  }
  caller.forEach((c, i) => {
    const next = agent.find((a) => a.startMs >= c.endMs);
    if (!next) return;
    // Only the agent audio that answers this utterance (not one after the caller's next utterance).
    const nextCaller = caller[i + 1];
    if (nextCaller && next.startMs > nextCaller.startMs) return;
    gaps.push({ kind: 'reply', index: i + 1, fromMs: c.endMs, toMs: next.startMs, ms: repliesMs[i] ?? next.startMs - c.endMs });
  });
  return gaps;
}

/** Round tick times for an axis `spanMs` long that is `widthPx` wide (about one tick per 90 px). */
export function axisTicks(spanMs: number, widthPx: number): number[] {
  const want = Math.max(2, Math.floor(widthPx / 90));
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  const step = steps.find((s) => spanMs / s <= want) ?? steps.at(-1)!;
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs + 1e-6; t += step) ticks.push(t);
  return ticks;
}

export function tickLabel(ms: number, stepMs: number): string {
  return stepMs < 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : stepMs < 500 ? 2 : 1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * Assigns each label (centered at `x`, `width` px wide) the first row where it overlaps no label
 * already placed (with `padPx` between them). Returns the row per label, in the input order.
 */
export function labelRows(labels: { x: number; width: number }[], padPx = 6): number[] {
  const rows: { from: number; to: number }[][] = [];
  return labels.map(({ x, width }) => {
    const from = x - width / 2;
    const to = x + width / 2;
    let r = rows.findIndex((row) => row.every((p) => to + padPx <= p.from || from - padPx >= p.to));
    if (r < 0) {
      rows.push([]);
      r = rows.length - 1;
    }
    rows[r]!.push({ from, to });
    return r;
  });
}
