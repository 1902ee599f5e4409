/**
 * Access to ../shared/fixtures/asterisk-22 (real Asterisk captures). They are
 * read at test time and never copied into the repo. On a clone without
 * ../shared, replay tests skip with a notice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_DIR = resolve(process.env.AAVA_SHARED_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared'));
export const FIXTURES_DIR = join(SHARED_DIR, 'fixtures', 'asterisk-22');
export const hasFixtures = existsSync(join(FIXTURES_DIR, 'README.md'));

let warned = false;
/** Call in a describe.skipIf(!hasFixtures) block's neighbourhood to print why it skipped. */
export function noticeIfMissing(): void {
  if (!hasFixtures && !warned) {
    warned = true;
    console.warn(`[notice] ${FIXTURES_DIR} not found: replay tests against real Asterisk captures are skipped.`);
  }
}

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES_DIR, ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

export function readFixtureJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

export function readJsonl<T = unknown>(...parts: string[]): T[] {
  return readFileSync(fixturePath(...parts), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
