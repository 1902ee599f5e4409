import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppAsset, parseRange, createAppHandler, createMediaHandler } from '../../electron/protocols.js';

let root: string;
let renderer: string;
let media: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aava-proto-'));
  renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>AAVA</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
  media = join(root, 'rec.wav');
  writeFileSync(media, Buffer.from(Array.from({ length: 100 }, (_, i) => i)));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('app:// paths', () => {
  it.each([
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/app.js', 'assets/app.js'],
    ['/calls/123', 'index.html'], // client-side route
    ['/../secret.txt', undefined],
    ['/%2e%2e/secret.txt', undefined],
    ['/assets/%2e%2e/%2e%2e/secret.txt', undefined],
    ['/..%5csecret.txt', undefined],
    ['/missing.js', undefined],
    ['/%E0%A4%A', undefined],
  ])('%s → %s', (p, want) => {
    const got = resolveAppAsset(renderer, p);
    expect(got).toBe(want === undefined ? undefined : join(renderer, want));
  });
});

describe('byte ranges', () => {
  it.each([
    [null, 100, null],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=50-500', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'invalid'],
    ['bytes=9-3', 100, 'invalid'],
    ['bytes=-0', 100, 'invalid'],
    ['bytes=0-1,5-6', 100, null],
    ['items=0-1', 100, null],
  ])('%s of %d', (h, size, want) => {
    expect(parseRange(h, size)).toEqual(want);
  });
});

describe('protocol handlers', () => {
  const csp = "default-src 'self'";

  it('serves the renderer with the CSP header, 404s outside it', async () => {
    const handle = createAppHandler({ rendererDir: renderer, csp: () => csp, page: (p) => (p === '/__startup-error' ? '<h1>bad</h1>' : undefined) });
    const index = handle(new Request('app://local/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(csp);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<title>AAVA</title>');
    const js = handle(new Request('app://local/assets/app.js'));
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(handle(new Request('app://local/../secret.txt')).status).not.toBe(200);
    expect(handle(new Request('app://other/index.html')).status).toBe(404);
    const page = handle(new Request('app://local/__startup-error'));
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(await page.text()).toBe('<h1>bad</h1>');
    const missing = createAppHandler({ rendererDir: join(root, 'nope'), csp: () => csp })(new Request('app://local/'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/npm run build:renderer/);
  });

  it('maps aava-media://local/<path> to the services, with ranges', async () => {
    const asked: string[] = [];
    const handle = createMediaHandler((p) => {
      asked.push(p);
      return p === 'recordings/r 1/audio' ? { file: media, contentType: 'audio/wav' } : undefined;
    });
    const full = handle(new Request('aava-media://local/recordings/r%201/audio'));
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('audio/wav');
    // fetched cross-origin by the app page (waveform): CORS for app://local only
    expect(full.headers.get('access-control-allow-origin')).toBe('app://local');
    expect(Buffer.from(await full.arrayBuffer()).length).toBe(100);
    const part = handle(new Request('aava-media://local/recordings/r%201/audio', { headers: { range: 'bytes=10-13' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-13/100');
    expect([...Buffer.from(await part.arrayBuffer())]).toEqual([10, 11, 12, 13]);
    const bad = handle(new Request('aava-media://local/recordings/r%201/audio', { headers: { range: 'bytes=200-' } }));
    expect(bad.status).toBe(416);
    const none = handle(new Request('aava-media://local/recordings/unknown/audio'));
    expect(none.status).toBe(404);
    expect(none.headers.get('access-control-allow-origin')).toBe('app://local');
    expect(handle(new Request('aava-media://local/recordings%2F..%2F..%2Fsecret.txt')).status).toBe(400);
    expect(handle(new Request('aava-media://remote/recordings/r%201/audio')).status).toBe(404);
    expect(asked).toEqual(['recordings/r 1/audio', 'recordings/r 1/audio', 'recordings/r 1/audio', 'recordings/unknown/audio']);
  });
});
