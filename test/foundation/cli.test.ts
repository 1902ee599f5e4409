/** The `aava` CLI as a newcomer runs it: real processes, real files, real sockets. */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'engine', 'bin', 'aava.mjs');
const dir = mkdtempSync(join(tmpdir(), 'aava-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

const CONFIG = `default_provider: echo
asterisk: {host: 127.0.0.1, port: 1, username: u, password: p}
audiosocket: {port: 0}
external_media: {port_range: "41700-41709"}
health: {host: 127.0.0.1, port: 0}
providers: {echo: {type: echo}}
contexts: {default: {greeting: hello}}
`;

describe('aava CLI', () => {
  it('prints usage and exits 2 on an unknown flag or command', () => {
    const a = run(['serve', '--frobnicate']);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain("Unknown option '--frobnicate'");
    expect(a.stderr).toContain('Usage: aava <command>');
    const b = run(['launch-rockets']);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('unknown command "launch-rockets"');
  });

  it('check-config: 0 for a valid file, 1 with path-named errors otherwise', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, CONFIG);
    const ok = run(['check-config', good]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('valid — default_provider echo');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, CONFIG.replace('contexts: {default: {greeting: hello}}', 'contexts: {sales: {provider: deepgrm}}'));
    const r = run(['check-config', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}: contexts.sales.provider: "deepgrm" is not a provider or pipeline (have: echo)`);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('AI_AGENT_CONFIG selects the config when --config is absent', () => {
    const missing = join(dir, 'missing.yaml');
    const r = run(['check-config'], { AI_AGENT_CONFIG: missing });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${missing}: (file): file not found`);
  });

  it('serve exits non-zero with the path-named error on a bad config', () => {
    const bad = join(dir, 'bad-serve.yaml');
    writeFileSync(bad, CONFIG.replace('default_provider: echo', 'default_provider: nope'));
    const r = run(['serve', '--config', bad, '--data-dir', join(dir, 'data-bad')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}: default_provider: "nope" is not a provider or pipeline`);
  });

  it('serve starts without Asterisk, reports degraded with ari_connected false, and stops on SIGTERM', async () => {
    const cfg = join(dir, 'serve.yaml');
    writeFileSync(cfg, CONFIG);
    const child = spawn(process.execPath, [BIN, 'serve', '--config', cfg], { env: { ...process.env, AI_ENGINE_DATA_DIR: join(dir, 'data') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', () => {});
    try {
      await expect.poll(() => /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1], { timeout: 20_000 }).toBeTruthy();
      const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)![1];
      expect(out).toContain(join(dir, 'data'));
      const h = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; ari_connected: boolean };
      expect(h.status).toBe('degraded');
      expect(h.ari_connected).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
  });
});
