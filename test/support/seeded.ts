/** Seeded pseudo-randomness for tests that end things in random orders: the same seed, the same run (a failure reproduces). */

/** The next 32-bit state of the LCG (Numerical Recipes constants). */
function step(s: number): number {
  return (Math.imul(s, 1664525) + 1013904223) >>> 0;
}

/** Numbers in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = step(s)) / 0x100000000;
}

/** A copy of `xs` in an order fixed by `seed` (Fisher–Yates). */
export function shuffled<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let s = seed >>> 0;
  for (let i = a.length - 1; i > 0; i--) {
    s = step(s);
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
