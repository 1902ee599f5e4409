/**
 * Every page against a real engine with no Asterisk and no recordings service:
 * renders at 1280×800 and 1920×1080, light and dark, without horizontal
 * overflow or console errors; keyboard navigation with visible focus; the
 * Doctor checklist shows the failed ARI item with its fix; a method the engine
 * does not serve shows "not available in this engine" inline.
 */
import { DEFAULT_SERVICES } from '../../engine/src/engine.js';
import { createRecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { buildDashboard, removeDashboards } from './support/dashboard.js';
import { hasChromium, openBrowser, screenshot } from './support/browser.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';

if (!hasChromium) console.warn('[notice] /usr/bin/chromium not installed: dashboard e2e skipped');

const CONFIG = `# pages e2e: nothing to connect to
default_provider: echo
asterisk:
  host: 127.0.0.1
  port: 1
  username: aiagent
audiosocket:
  host: 127.0.0.1
  port: 0
contexts:
  sales:
    greeting: "Sales, hello."
    destination: "7001"
    tools: [transfer]
providers:
  echo:
    type: echo
`;

const PAGES = ['calls', 'latency', 'contexts/sales', 'history', 'recordings', 'softphone', 'settings', 'doctor'];

describe.skipIf(!hasChromium)('dashboard: every page, sizes, dark mode, keyboard, inline errors', () => {
  let eng: RunningEngine;
  let dash: string;

  beforeAll(async () => {
    dash = await buildDashboard();
    eng = await startEngine({ configText: CONFIG, dashboardDir: dash, extra: { services: DEFAULT_SERVICES.filter((f) => f !== createRecordingsService) } });
  });

  afterAll(async () => {
    await eng?.stop();
    removeDashboards();
  });

  for (const [width, height, scheme] of [
    [1280, 800, 'light'],
    [1920, 1080, 'light'],
    [1280, 800, 'dark'],
  ] as const) {
    it(`renders every page at ${width}×${height} (${scheme}) without overflow or console errors`, async () => {
      const b = await openBrowser({ width, height, colorScheme: scheme });
      try {
        for (const p of PAGES) {
          await b.page.goto(`${eng.url}#/${p}`);
          await b.page.locator('main h1').first().waitFor();
          await b.page.getByTestId('header-status').filter({ hasText: 'Degraded' }).waitFor();
          await b.page.waitForLoadState('networkidle');
          const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${p} overflows horizontally`).toBeLessThanOrEqual(0);
          await screenshot(b.page, `page-${p.replace('/', '-')}-${width}x${height}-${scheme}`);
        }
        if (scheme === 'dark') {
          const bg = await b.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
          expect(bg).toBe('rgb(18, 21, 27)');
        }
        expect(b.errors).toEqual([]);
      } finally {
        await b.close();
      }
    });
  }

  it('Doctor lists the failed ARI check with its fix; recordings show "not available in this engine" inline', async () => {
    const b = await openBrowser();
    try {
      await b.page.goto(`${eng.url}#/doctor`);
      const ari = b.page.locator('li[data-check="ari"]');
      await ari.waitFor();
      expect(await ari.getAttribute('class')).toContain('st-fail');
      expect(await ari.locator('.fix').textContent()).toMatch(/^Fix: Check Settings → Asterisk ARI/);
      expect(await b.page.locator('li[data-check="provider:echo"]').getAttribute('class')).toContain('st-pass');
      await b.page.goto(`${eng.url}#/recordings`);
      await b.page.getByText('Loading recordings: not available in this engine.').waitFor();
      await b.page.goto(`${eng.url}#/settings`);
      await b.page.getByText('Recordings sync: not available in this engine.').waitFor();
      await screenshot(b.page, 'settings-recordings-not-available');
    } finally {
      await b.close();
    }
  });

  it('is keyboard navigable with a visible focus ring', async () => {
    const b = await openBrowser();
    try {
      await b.page.goto(`${eng.url}#/calls`);
      await b.page.locator('main h1').waitFor();
      await b.page.keyboard.press('Tab');
      expect(await b.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      // Skip link → main; otherwise Tab walks header → nav.
      const stops: string[] = [];
      for (let i = 0; i < 4; i++) {
        await b.page.keyboard.press('Tab');
        stops.push(await b.page.evaluate(() => document.activeElement?.textContent ?? ''));
      }
      expect(stops).toContain('Latency');
      while ((await b.page.evaluate(() => document.activeElement?.textContent)) !== 'Contexts') await b.page.keyboard.press('Tab');
      const outline = await b.page.evaluate(() => {
        const s = getComputedStyle(document.activeElement as Element);
        return `${s.outlineStyle} ${s.outlineWidth}`;
      });
      expect(outline).toBe('solid 3px');
      await b.page.keyboard.press('Enter');
      await b.page.getByRole('heading', { name: 'Contexts', level: 1 }).waitFor();
      expect(new URL(b.page.url()).hash).toBe('#/contexts');
      await screenshot(b.page, 'keyboard-focus-contexts');
    } finally {
      await b.close();
    }
  });

  it('with an API token configured: refused without it (said so in the header), works with ?token=', async () => {
    const tokenEngine = await startEngine({ configText: `${CONFIG}api:\n  token: e2e-token-9f2c\n`, dashboardDir: dash });
    const b = await openBrowser();
    try {
      await b.page.goto(`${tokenEngine.url}#/calls`);
      await b.page.getByTestId('header-status').filter({ hasText: 'Engine unreachable' }).waitFor();
      await b.page.getByText(/Reconnecting: unauthorized: the engine requires its API token/).waitFor();
      await screenshot(b.page, 'token-refused');
      await b.page.goto(`${tokenEngine.url}?token=e2e-token-9f2c#/doctor`);
      await b.page.getByTestId('header-status').filter({ hasText: 'Degraded' }).waitFor();
      await b.page.locator('li[data-check="ari"]').waitFor();
      expect(b.page.url()).not.toContain('token');
      // The token is kept for the session: a reload without it still works.
      await b.page.goto(`${tokenEngine.url}#/contexts/sales`);
      await b.page.getByLabel('Greeting').waitFor();
    } finally {
      await b.close();
      await tokenEngine.stop();
    }
  });

  it('when the engine goes away the header says so, and the dashboard reconnects to the engine that comes back', async () => {
    const first = await startEngine({ configText: CONFIG, dashboardDir: dash });
    const port = first.engine.http!.address()!.port;
    const b = await openBrowser();
    let second: RunningEngine | undefined;
    try {
      await b.page.goto(`${first.url}#/contexts/sales`);
      await b.page.getByTestId('header-status').filter({ hasText: 'Degraded' }).waitFor();
      await first.stop();
      await b.page.getByTestId('header-status').filter({ hasText: 'Engine unreachable' }).waitFor();
      await screenshot(b.page, 'engine-unreachable');
      second = await startEngine({ configText: CONFIG.replace('Sales, hello.', 'Sales, back again.'), dashboardDir: dash, extra: { http: { host: '127.0.0.1', port } } });
      await b.page.getByTestId('header-status').filter({ hasText: 'Degraded' }).waitFor({ timeout: 30_000 });
      // The config is refetched on reconnect: the editor shows the new engine's greeting.
      await expect.poll(() => b.page.getByLabel('Greeting').inputValue()).toBe('Sales, back again.');
      // Health and calls refetch on reconnect; other pages load fresh data when visited.
      await b.page.getByRole('link', { name: 'Doctor', exact: true }).click();
      await b.page.locator('li[data-check="ari"]').waitFor();
      expect(b.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
    } finally {
      await b.close();
      await second?.stop();
    }
  });

  it('a provider key typed in Settings goes to the secret store and is never shown or written to the YAML', async () => {
    const b = await openBrowser();
    const key = 'sk-e2e-7f1c2d9a0b';
    try {
      await b.page.goto(`${eng.url}#/settings`);
      const keys = b.page.getByRole('region', { name: 'Provider keys' });
      const field = keys.getByLabel('OPENAI_API_KEY', { exact: true });
      expect(await field.getAttribute('type')).toBe('password');
      await field.fill(key);
      await field.press('Enter');
      await keys.getByText('Stored. The value is not shown again.').waitFor();
      expect(await field.inputValue()).toBe('');
      expect(eng.engine.ctx.secrets.get('OPENAI_API_KEY')).toBe(key);
      await b.page.reload();
      await keys.getByLabel('OPENAI_API_KEY', { exact: true }).waitFor();
      expect(await b.page.content()).not.toContain(key);
      expect(eng.readConfig()).not.toContain(key);
    } finally {
      await b.close();
    }
  });

  it('Contexts: create, rename and delete a context; each step lands in the YAML', async () => {
    const b = await openBrowser();
    try {
      await b.page.goto(`${eng.url}#/contexts`);
      await b.page.getByRole('button', { name: 'New context' }).click();
      await b.page.getByLabel('Name', { exact: true }).fill('after_hours');
      await b.page.getByLabel('Greeting').fill('We are closed. Leave a message after the tone.');
      await b.page.getByLabel('Destination number').fill('7009');
      await b.page.getByRole('button', { name: 'Save', exact: true }).click();
      await b.page.waitForURL(/#\/contexts\/after_hours$/);
      await expect.poll(() => eng.readConfig()).toContain('after_hours:');
      expect(eng.readConfig()).toContain('greeting: We are closed. Leave a message after the tone.');
      expect(await b.page.getByLabel(/Dialplan for after_hours/).textContent()).toContain('same => n,Set(AI_CONTEXT=after_hours)');

      await b.page.getByLabel('Name', { exact: true }).fill('night');
      await b.page.getByRole('button', { name: 'Save', exact: true }).click();
      await b.page.waitForURL(/#\/contexts\/night$/);
      await expect.poll(() => eng.readConfig()).toContain('night:');
      expect(eng.readConfig()).not.toContain('after_hours:');

      await b.page.getByRole('button', { name: 'Delete…' }).click();
      await b.page.getByRole('button', { name: 'Really delete “night”' }).click();
      await b.page.waitForURL(/#\/contexts$/);
      await expect.poll(() => eng.readConfig()).not.toContain('night:');
      expect(eng.readConfig()).toContain('sales:');
      expect(eng.readConfig()).toContain('# pages e2e: nothing to connect to');
    } finally {
      await b.close();
    }
  });
});
