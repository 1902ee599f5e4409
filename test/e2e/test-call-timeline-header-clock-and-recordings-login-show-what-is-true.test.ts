/**
 * The softphone's test call report in Debian chromium against a real engine:
 * a saved report (POST /api/testcalls.save, as the phone does) opened from
 * "Earlier test calls" draws its timeline across the page, with a time axis
 * and the greeting and reply gaps written on it, no label over another or
 * over a bar. The header's uptime advances while the page stays open. With
 * no recordings login configured, Settings says the sync uses the engine's.
 */
import { buildDashboard, removeDashboards } from './support/dashboard.js';
import { hasChromium, openBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';

if (!hasChromium) console.warn('[notice] /usr/bin/chromium not installed: dashboard e2e skipped');

const CONFIG = `# test call timeline e2e: nothing to connect to
default_provider: echo
asterisk:
  host: 127.0.0.1
  port: 1
  username: aiagent
audiosocket:
  host: 127.0.0.1
  port: 0
providers:
  echo:
    type: echo
`;

const REPORT = {
  destination: '7000',
  context: 'sales',
  startedAt: '2026-11-21T08:00:00.000Z',
  answerMs: 812,
  greetingLatencyMs: 640,
  replyLatenciesMs: [905, 1210],
  timeline: [
    { kind: 'agent', startMs: 1452, endMs: 3900 },
    { kind: 'caller', startMs: 4400, endMs: 6200 },
    { kind: 'agent', startMs: 7105, endMs: 9800 },
    { kind: 'caller', startMs: 10_300, endMs: 11_900 },
    { kind: 'agent', startMs: 13_110, endMs: 15_000 },
  ],
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  text: string;
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe.skipIf(!hasChromium)('dashboard: the test call timeline, the header clock, the recordings login', () => {
  let eng: RunningEngine;
  let b: BrowserSession;

  beforeAll(async () => {
    const dash = await buildDashboard();
    eng = await startEngine({ configText: CONFIG, dashboardDir: dash });
    b = await openBrowser({ width: 1280, height: 900 });
  });
  afterAll(async () => {
    await b?.close();
    await eng?.stop();
    removeDashboards();
  });

  it('a test call report draws its timeline across the page with a time axis and the per-turn gaps, no overlapping labels', async () => {
    const saved = await fetch(`${eng.url}api/testcalls.save`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REPORT) });
    expect(saved.status).toBe(200);
    const { page } = b;
    await page.goto(`${eng.url}#/softphone`);
    await page.getByText('Earlier test calls (1)').click();
    await page.getByRole('button', { name: /sales · greeting 640 ms/ }).click();
    const chart = page.getByRole('img', { name: 'Test call timeline' });
    await chart.waitFor();

    const main = (await page.locator('main').boundingBox())!;
    const box = (await chart.boundingBox())!;
    expect(box.width, 'the timeline spans the page').toBeGreaterThan(main.width * 0.8);

    const gaps = await chart.getByTestId('timeline-gap').allTextContents();
    expect(gaps).toEqual(['greeting: 640 ms', 'reply 1: 905 ms', 'reply 2: 1210 ms']);
    const ticks = await chart.locator('text.sp-chart-tick').allTextContents();
    expect(ticks).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s', '10 s', '12 s', '14 s']);

    // Every label (lanes, gaps, ticks) and every bar, as drawn: no label touches another label or a bar.
    const drawn = await chart.evaluate((svg) => {
      const r = (e: Element) => {
        const b = (e as SVGGraphicsElement).getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height, text: e.textContent ?? '' };
      };
      return { labels: [...svg.querySelectorAll('text')].map(r), bars: [...svg.querySelectorAll('rect')].map(r) };
    });
    for (let i = 0; i < drawn.labels.length; i++) {
      for (let j = i + 1; j < drawn.labels.length; j++) expect(overlap(drawn.labels[i]!, drawn.labels[j]!), `"${drawn.labels[i]!.text}" over "${drawn.labels[j]!.text}"`).toBe(false);
      for (const bar of drawn.bars) expect(overlap(drawn.labels[i]!, bar), `"${drawn.labels[i]!.text}" over a bar`).toBe(false);
    }
    await chart.scrollIntoViewIfNeeded();
    await screenshot(page, 'softphone-test-call-timeline');
    expect(b.errors).toEqual([]);
  });

  it('the header’s uptime advances while the page stays open', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/calls`);
    const up = page.getByTestId('header-uptime');
    await up.waitFor();
    const first = await up.textContent();
    expect(first).toMatch(/^up \d/);
    // No reload and no health poll needed (the poll is every 15 s): the text changes on its own.
    await expect.poll(() => up.textContent(), { timeout: 5000 }).not.toBe(first);
  });

  it('Settings → FreePBX Integration: with no recordings login set, "same as the engine\'s ARI connection" and the login it uses', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/settings`);
    const card = page.getByRole('region', { name: 'FreePBX Integration' });
    const same = card.getByLabel(/same as the engine's ARI connection/);
    await same.waitFor();
    expect(await same.isChecked()).toBe(true);
    expect(await card.getByTestId('fp-login-summary').textContent()).toBe('aiagent@127.0.0.1:1, from Settings → Asterisk ARI connection');
    expect(await card.getByLabel('Host', { exact: true }).count()).toBe(0);
    await screenshot(page, 'settings-recordings-same-as-engine');
    await same.uncheck();
    await card.getByLabel('Username', { exact: true }).waitFor();
    expect(await card.getByLabel('Host', { exact: true }).inputValue()).toBe('127.0.0.1');
    await screenshot(page, 'settings-recordings-separate-user');
    expect(b.errors).toEqual([]);
  });
});
