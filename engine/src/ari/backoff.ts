/** Exponential reconnect delays (pure): base·2^attempt with ±20 % jitter, capped at `maxMs` (30 s). */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1 fraction of jitter; 0 for deterministic tests. */
  jitter?: number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  const jitter = opts.jitter ?? 0.2;
  const raw = Math.min(max, base * 2 ** Math.min(attempt, 30));
  const spread = raw * jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(max, Math.round(raw + spread)));
}
