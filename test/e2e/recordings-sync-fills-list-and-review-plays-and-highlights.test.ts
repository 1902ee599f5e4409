/**
 * Settings → FreePBX Integration against E's fake ARI recordings server, then
 * Sync now from the Recordings page: the list fills from sync events, and the
 * review page loads the waveform (wavesurfer.js over /media), plays, and
 * highlights the transcript line under the playhead; clicking a line seeks.
 */
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { synthesize } from '../../engine/src/speech/flite.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';
import { resamplePcm16 } from '../../engine/src/analysis/pcm.js';
import { encodeWav } from '../../engine/src/media/wav.js';
import { buildDashboard, removeDashboards } from './support/dashboard.js';
import { hasChromium, openBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';

const canTranscribe = pocketsphinxHealth().ready;
if (!hasChromium) console.warn('[notice] /usr/bin/chromium not installed: recordings e2e skipped');
if (!canTranscribe) console.warn('[notice] pocketsphinx not installed: recordings e2e skipped (it needs transcript lines to highlight)');

const NAME = 'monitor/2026/11/21/in-2125550123-7175882255-20261121-065046-1795243846.27';

/** 8 kHz stereo like MixMonitor: agent left, then the caller right, a second apart. */
async function spokenCall(): Promise<Buffer> {
  const agent = await synthesize('Hello, thank you for calling the billing department. How can I help you?', { voice: 'kal16' });
  const caller = await synthesize('I am very angry. The service is terrible and my bill is wrong.', { voice: 'slt' });
  const left = resamplePcm16(agent.pcm, agent.sampleRate, 8000);
  const right = resamplePcm16(caller.pcm, caller.sampleRate, 8000);
  const offset = left.length / 2 + 8000;
  const frames = offset + right.length / 2 + 4000;
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < left.length / 2; i++) pcm.writeInt16LE(left.readInt16LE(i * 2), i * 4);
  for (let i = 0; i < right.length / 2; i++) pcm.writeInt16LE(right.readInt16LE(i * 2), (offset + i) * 4 + 2);
  return encodeWav(pcm, 8000, 2);
}

function configYaml(): string {
  return `# recordings e2e
default_provider: echo
asterisk:
  host: 127.0.0.1
  port: 1          # no Asterisk here: only the recordings sync is exercised
  username: aiagent
providers:
  echo:
    type: echo
recordings:
  enabled: false   # the test enables it from Settings
  host: 127.0.0.1
  port: 8088
  username: ""
  transcriber: local
`;
}

describe.skipIf(!hasChromium || !canTranscribe)('dashboard: recordings sync and review', () => {
  let server: FakeAriRecordingsServer;
  let eng: RunningEngine;
  let b: BrowserSession;
  let port: number;

  beforeAll(async () => {
    const [dash, wav] = await Promise.all([buildDashboard(), spokenCall()]);
    server = new FakeAriRecordingsServer();
    server.add(NAME, wav);
    port = await server.listen();
    eng = await startEngine({ configText: configYaml(), dashboardDir: dash });
    b = await openBrowser({ width: 1920, height: 1080 });
  });

  afterAll(async () => {
    await b?.close();
    await eng?.stop();
    await server?.close();
    removeDashboards();
  });

  it('FreePBX Integration: Test Connection finds the recordings, Save stores the settings', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/settings`);
    const card = page.getByRole('region', { name: 'FreePBX Integration' });
    await card.getByLabel('Host', { exact: true }).waitFor();
    await card.getByLabel('Sync recordings', { exact: true }).check();
    await card.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await card.getByLabel('Port', { exact: true }).fill(String(port));
    await card.getByLabel('Username', { exact: true }).fill('aiagent');
    await card.getByLabel('Password', { exact: true }).fill('aiagentpass');
    await card.getByRole('button', { name: 'Test Connection' }).click();
    await card.getByText('Connected: 1 recordings listed.').waitFor();
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Saved.').waitFor();
    await screenshot(page, 'settings-freepbx-tested');
    expect(eng.readConfig()).not.toContain('aiagentpass');
  });

  it('Sync now fills the list; the review plays, highlights the line under the playhead, and seeks on click', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/recordings`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const row = page.locator('.recordings-page tbody tr', { hasText: '7175882255' });
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe('2125550123');
    await page.getByRole('status').filter({ hasText: 'Done: 1 found, 1 downloaded, 0 unchanged' }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    await expect.poll(() => page.getByTestId('last-sync').textContent()).toMatch(/: 1 found, 1 downloaded, 0 unchanged, 0 failed$/);
    // Analysis runs after the download; recording.updated events move the badge.
    await row.locator('.badge.rec-analyzed').waitFor({ timeout: 60_000 });
    await row.getByRole('link').click();

    const review = page.getByRole('region', { name: NAME });
    await review.locator('.waveform[data-ready="true"]').waitFor();
    const lines = review.getByRole('list', { name: /Transcript/ }).getByRole('listitem');
    await expect.poll(() => lines.count()).toBeGreaterThanOrEqual(2);
    const texts = await lines.allTextContents();
    expect(texts.join(' ')).toMatch(/billing/);

    // Click the caller's line: the player seeks there and the line is highlighted.
    const callerLine = lines.filter({ hasText: 'speaker 2' }).first();
    await callerLine.getByRole('button').click();
    await expect.poll(() => callerLine.getAttribute('aria-current')).toBe('true');
    expect(await review.locator('li[aria-current="true"]').count()).toBe(1);
    const at = await review.getByTestId('player-time').textContent();
    expect(at).toMatch(/^0:0[5-9] \/ 0:1\d$/);

    // Play from the first line: time advances and the highlight follows the audio.
    await lines.first().getByRole('button').click();
    await expect.poll(() => lines.first().getAttribute('aria-current')).toBe('true');
    await review.getByRole('button', { name: 'Play' }).click();
    await review.getByRole('button', { name: 'Pause' }).waitFor();
    await expect.poll(async () => (await review.getByTestId('player-time').textContent())?.startsWith('0:00 ') === false, { timeout: 10_000 }).toBe(true);
    await screenshot(page, 'recording-review');
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'recording-review-1280');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await review.getByRole('button', { name: 'Pause' }).click();

    // Full-text search over the transcripts, and the number filter.
    const search = page.getByRole('search');
    await search.getByLabel('Search transcripts').fill('billing');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.recordings-page tbody tr').count()).toBe(1);
    await search.getByLabel('Search transcripts').fill('refund');
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No recordings match this search.').waitFor();
    await search.getByLabel('Search transcripts').fill('');
    await search.getByLabel('Number').fill('2125550123');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.recordings-page tbody tr').count()).toBe(1);
    expect(b.errors).toEqual([]);
  });

  it('a sync the page did not start (the timer, another window) ends with the button back to "Sync now" and Done agreeing with Last sync', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/recordings`);
    const button = page.getByRole('button', { name: /^(Sync now|Syncing…)$/ });
    await button.waitFor();
    // Started outside this page, as the interval timer does: only the events reach it.
    const r = await fetch(`${eng.url}api/recordings.syncNow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    await page.getByRole('status').filter({ hasText: 'Done: 1 found, 0 downloaded, 1 unchanged' }).waitFor();
    expect(await button.textContent()).toBe('Sync now');
    expect(await button.isEnabled()).toBe(true);
    expect(await page.getByTestId('last-sync').textContent()).toMatch(/: 1 found, 0 downloaded, 1 unchanged, 0 failed$/);
    await screenshot(page, 'recordings-after-timer-sync');
    expect(b.errors).toEqual([]);
  });
});
