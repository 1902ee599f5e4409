import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TeeLogDestination } from '../../electron/log-file.js';
import { createLogger, registerSecretValue } from '../../engine/src/observability/logger.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('desktop log file', () => {
  it('tees scrubbed lines to stderr and the 0600 file once attached, rotating once past the cap', () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-logfile-'));
    const seen: string[] = [];
    const tee = new TeeLogDestination({ write: (l: string) => seen.push(l) }, 400);
    const log = createLogger({ destination: tee });
    log.info('before the data dir is known');
    const file = join(dir, 'logs', 'desktop.log');
    tee.attach(file);
    registerSecretValue('pw-Zk38-leaky');
    log.warn({ ari: 'pbx.lan' }, 'ARI login with pw-Zk38-leaky failed');
    expect(seen).toHaveLength(2);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('before the data dir');
    expect(text).toContain('ARI login with [REDACTED] failed');
    expect(text).not.toContain('pw-Zk38-leaky');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (let i = 0; i < 10; i++) log.info({ i }, 'filler line to pass the cap');
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(statSync(file).size).toBeLessThan(400);
    expect(seen).toHaveLength(12);
  });
});
