/**
 * The dashboard in Debian chromium against a real engine (serve's HTTP/WS on
 * port 0) with the fake Asterisk and the echo provider: a call shows up live
 * with its transcript, ends and lands in History; a greeting edited in the
 * Contexts page is written to the YAML (comments kept) and the next call uses
 * it; a bad provider value shows the inline validation error with its path.
 */
import { FakeAsterisk, concatPcm, silence, tone, until } from '../fakes/asterisk/index.js';
import { buildDashboard, removeDashboards } from './support/dashboard.js';
import { hasChromium, openBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';

if (!hasChromium) console.warn('[notice] /usr/bin/chromium not installed: dashboard e2e skipped (apt-get install chromium)');

function configYaml(ariPort: number): string {
  const rtp = 40000 + Math.floor(Math.random() * 15000);
  return `# e2e config — this comment must survive a save from the dashboard
default_provider: echo

asterisk:
  host: 127.0.0.1
  port: ${ariPort}
  username: aiagent
  password: aiagentpass   # fake Asterisk user
  app_name: asterisk-ai-voice-agent

audio_transport: audiosocket
audiosocket:
  host: 127.0.0.1
  advertise_host: 127.0.0.1
  port: 0
external_media:
  rtp_host: 127.0.0.1
  advertise_host: 127.0.0.1
  port_range: "${rtp}-${rtp + 19}"

# Contexts: the sales greeting is edited by the test
contexts:
  default:
    tools: [transfer, hangup]
  sales:
    greeting: "Thanks for calling sales." # inline comment on the greeting
    tools: [transfer]
    destination: "7001"

providers:
  echo:
    type: echo   # no API key needed
    tone_ms: 200

tools:
  transfer:
    destinations:
      operator: { type: extension, target: "100" }
`;
}

describe.skipIf(!hasChromium)('dashboard: live call → history, greeting edit, validation', () => {
  let fake: FakeAsterisk;
  let eng: RunningEngine;
  let b: BrowserSession;

  beforeAll(async () => {
    const dash = await buildDashboard();
    fake = await new FakeAsterisk().start();
    eng = await startEngine({ configText: configYaml(fake.port), dashboardDir: dash });
    b = await openBrowser();
  });

  afterAll(async () => {
    await b?.close();
    await eng?.stop();
    await fake?.stop();
    removeDashboards();
  });

  it('a call placed through the fake appears in Live calls with its transcript, ends, and appears in History', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/calls`);
    await page.getByText('No active calls.').waitFor();
    await until(() => eng.engine.health().ari_connected, 'engine connected to the fake ARI', 10_000);
    await page.getByTestId('header-status').filter({ hasText: /Healthy|Degraded/ }).waitFor();
    // No layout shift as calls come and go: the table frame and the heading keep their box.
    const frameBox = async () => page.locator('.calls-frame').boundingBox();
    const emptyBox = await frameBox();

    const caller = fake.injectCall({
      callerName: 'Ada Lovelace',
      callerNumber: '7175882255',
      vars: { AI_CONTEXT: 'sales' },
      audio: concatPcm([silence(400), tone(1000, 600), silence(600)]),
    });
    const row = page.locator('table.calls-table tbody tr', { hasText: 'Ada Lovelace (7175882255)' });
    await row.waitFor();
    // Under the call: a level meter fed by the engine's calls.levels events (issue 13 emits them) moves while audio flows.
    const meterMoved = page.waitForFunction(
      () => [...document.querySelectorAll<HTMLElement>('[data-testid=meter-caller],[data-testid=meter-agent]')].some((e) => e.dataset.db !== undefined && e.dataset.db !== '' && Number(e.dataset.db) > -60),
      null,
      { polling: 'raf', timeout: 15_000 },
    ).then(
      () => 'moved',
      (e: Error) => `no calls.levels reached the meter: ${e.message.split('\n')[0]}`,
    );
    expect(await frameBox()).toEqual(emptyBox);
    expect(await page.getByTestId('header-active-calls').textContent()).toBe('1');
    await row.getByRole('link').click();
    const panel = page.getByRole('region', { name: 'Ada Lovelace (7175882255)' });
    const liveTranscript = panel.getByRole('list', { name: 'Transcript' });
    await liveTranscript.getByText('Thanks for calling sales.', { exact: true }).waitFor();
    // The caller spoke 600 ms; on a loaded machine a frame that came too late may be dropped or filled, so the echo
    // may be a frame or two off. The line must show, with about that duration.
    const speechLine = liveTranscript.getByText(/^\(\d+ ms of speech\)$/);
    await speechLine.waitFor({ timeout: 15_000 });
    const spokenMs = Number(/\d+/.exec((await speechLine.textContent()) ?? '')?.[0]);
    expect(spokenMs, 'echo duration of the 600 ms tone').toBeGreaterThanOrEqual(540);
    expect(spokenMs, 'echo duration of the 600 ms tone').toBeLessThanOrEqual(660);
    await panel.getByRole('img', { name: /^Turn 1: \d+ ms to first audio$/ }).waitFor();
    // The table shows what is being said on each call: the last transcript line, in the call's live row.
    const liveRow = page.locator('table.calls-table tbody tr.call-live').first();
    await expect.poll(() => liveRow.textContent()).toMatch(/Thanks for calling sales\.|\(\d+ ms of speech\)|\(echo of \d+ ms\)/);
    expect(await row.locator('td').nth(1).textContent()).toBe('sales');
    expect(await row.locator('td').nth(2).textContent()).toBe('echo');
    await screenshot(page, 'live-calls-with-call');

    caller.hangup();
    await row.and(page.locator('tr.ended')).waitFor();
    await panel.getByRole('link', { name: 'Open it in History' }).click();
    const hrow = page.locator('.history-page tbody tr', { hasText: 'Ada Lovelace (7175882255)' });
    await hrow.waitFor();
    expect(await hrow.getAttribute('class')).toContain('selected');
    expect(await hrow.locator('.badge').textContent()).toBe('caller hangup');
    const detail = page.getByRole('region', { name: 'Call detail' });
    const transcript = detail.getByRole('list', { name: 'Timeline' });
    await transcript.getByText('Thanks for calling sales.', { exact: true }).waitFor();
    await transcript.getByText(`(${spokenMs} ms of speech)`, { exact: true }).waitFor();
    await screenshot(page, 'history-detail');
    expect(b.errors).toEqual([]);
    // Checked last so that everything above is proven even on an engine that does not emit levels yet.
    expect(await meterMoved).toBe('moved');
  });

  it('editing the sales greeting rewrites the YAML (comments kept) and the next call greets with it', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/contexts/sales`);
    const greeting = page.getByLabel('Greeting');
    await expect.poll(() => greeting.inputValue()).toBe('Thanks for calling sales.');
    await greeting.fill('Welcome to ACME sales, how can we help?');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Saved to ${eng.configPath}`).waitFor();
    const yaml = eng.readConfig();
    expect(yaml).toContain('greeting: "Welcome to ACME sales, how can we help?" # inline comment on the greeting');
    expect(yaml).toContain('# e2e config — this comment must survive a save from the dashboard');
    expect(yaml).toContain('# Contexts: the sales greeting is edited by the test');
    expect(yaml).toMatch(/password: aiagentpass +# fake Asterisk user/);
    expect(yaml).toMatch(/type: echo +# no API key needed/);
    await screenshot(page, 'contexts-saved');

    // The engine reloads; the next call uses the new greeting.
    await until(() => eng.engine.ctx.config.current().contexts.sales?.greeting === 'Welcome to ACME sales, how can we help?', 'config reloaded', 10_000);
    await page.goto(`${eng.url}#/calls`);
    const caller = fake.injectCall({ callerName: 'Grace Hopper', callerNumber: '2125550100', vars: { AI_CONTEXT: 'sales' }, audio: silence(300) });
    const row = page.locator('table.calls-table tbody tr', { hasText: 'Grace Hopper' });
    await row.getByRole('link').click();
    await page.getByRole('region', { name: 'Grace Hopper (2125550100)' }).getByRole('list', { name: 'Transcript' }).getByText('Welcome to ACME sales, how can we help?', { exact: true }).waitFor();
    caller.hangup();
    await row.and(page.locator('tr.ended')).waitFor();
  });

  it('a bad provider value shows the inline validation error with the YAML path, and nothing is written', async () => {
    const { page } = b;
    const before = eng.readConfig();
    await page.goto(`${eng.url}#/contexts/sales`);
    const provider = page.getByLabel('Provider or pipeline');
    await provider.fill('deepgrm');
    // Live validation (config.validateContext) names the path before Save.
    const issue = page.locator('#ctx-provider-issues li');
    await issue.waitFor();
    expect(await issue.textContent()).toBe('contexts.sales.provider: "deepgrm" is not a provider or pipeline (have: echo)');
    expect(await provider.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#ctx-provider-issues li').waitFor();
    expect(eng.readConfig()).toBe(before);
    await screenshot(page, 'contexts-validation-error');
  });

  it('Transfer from the call panel hands the caller to the configured destination; History filters find it', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/calls`);
    const caller = fake.injectCall({ callerName: 'Alan Turing', callerNumber: '4155550123', vars: { AI_CONTEXT: 'sales' }, audio: silence(300) });
    const row = page.locator('table.calls-table tbody tr', { hasText: 'Alan Turing' });
    await row.getByRole('link').click();
    const panel = page.getByRole('region', { name: 'Alan Turing (4155550123)' });
    await panel.getByRole('list', { name: 'Transcript' }).getByText('Welcome to ACME sales, how can we help?', { exact: true }).waitFor();
    await panel.getByPlaceholder('destination or extension').fill('operator');
    await panel.getByRole('button', { name: 'Transfer' }).click();
    await row.and(page.locator('tr.ended')).waitFor();
    await until(() => caller.continuedTo, 'caller continued into the dialplan', 10_000);
    expect(caller.continuedTo).toMatchObject({ context: 'from-internal', extension: '100' });

    await page.goto(`${eng.url}#/history`);
    await page.getByLabel('Outcome').selectOption('transferred');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('.history-page tbody tr');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Alan Turing')]);
    await page.getByLabel('Caller', { exact: true }).fill('nobody-here');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No calls match these filters.').waitFor();
  });

  it('Settings → ARI Test Connection reaches the fake Asterisk', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/settings`);
    const card = page.getByRole('region', { name: 'Asterisk ARI connection' });
    expect(await card.getByLabel('Port', { exact: true }).inputValue()).toBe(String(fake.port));
    await card.getByRole('button', { name: 'Test Connection' }).click();
    await card.locator('.notice-ok').getByText('Connection works.').waitFor();
  });

  it('the Latency page charts the turns those calls produced (uPlot canvases, p50/p95 with units)', async () => {
    const { page } = b;
    await page.goto(`${eng.url}#/latency`);
    const stats = page.locator('.stats-line');
    await expect.poll(async () => Number((await stats.locator('.num').first().textContent()) ?? '0')).toBeGreaterThanOrEqual(1);
    expect(await stats.textContent()).toMatch(/p50 \d+ ms · p95 \d+ ms/);
    expect(await page.locator('.chart canvas').count()).toBe(3);
    // A handful of turns: the stage chart draws each turn as its own stacked bar, not one point per stage per hour.
    await page.getByRole('heading', { name: 'Per-stage breakdown, per turn' }).waitFor();
    await page.getByRole('img', { name: /^Per-stage latency of each of the last \d+ turns$/ }).waitFor();
    expect(await page.locator('#lat-stages ~ .chart .u-legend').textContent()).toContain('→ first audio to the caller');
    expect(await page.locator('.chart .u-legend').first().textContent()).toContain('echo p50');
    await page.getByRole('button', { name: 'Last day' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Last day' }).getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'latency-with-turns');
    expect(b.errors).toEqual([]);
  });
});
