/**
 * Closes what a test started once it is over (passed, failed or timed out),
 * the last started first: `const h = closeAtEnd(await startHarness())`.
 * Replaces the `let x; afterEach(() => x?.close())` each file wrote for each
 * thing it started. Only inside a running vitest test.
 */
import { onTestFinished } from 'vitest';

export type Closable = { close(): unknown } | { stop(): unknown };

let started: Closable[] | undefined;

export function closeAtEnd<T extends Closable>(thing: T): T {
  if (!started) {
    const list: Closable[] = (started = []);
    onTestFinished(async () => {
      started = undefined;
      for (const t of list.reverse()) await ('close' in t ? t.close() : t.stop());
    });
  }
  started.push(thing);
  return thing;
}
