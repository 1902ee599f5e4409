import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../engine/src/ari/backoff.js';

describe('ARI reconnect backoff', () => {
  it('doubles from the base and never exceeds 30 s', () => {
    const d = Array.from({ length: 12 }, (_, i) => backoffDelay(i, { jitter: 0 }));
    expect(d.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(d.slice(6)).toEqual([30_000, 30_000, 30_000, 30_000, 30_000, 30_000]);
    expect(backoffDelay(1000, { jitter: 0 })).toBe(30_000);
  });

  it('jitter stays within ±20 % and under the cap', () => {
    for (const r of [0, 0.5, 0.999]) {
      const v = backoffDelay(3, {}, () => r);
      expect(v).toBeGreaterThanOrEqual(3200);
      expect(v).toBeLessThanOrEqual(4800);
      expect(backoffDelay(20, {}, () => r)).toBeLessThanOrEqual(30_000);
    }
  });
});
