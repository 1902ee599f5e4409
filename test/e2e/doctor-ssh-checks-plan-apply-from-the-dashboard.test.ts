/**
 * The Doctor page's SSH section against the doctor's fake FreePBX (real sshd
 * on loopback, stub asterisk CLI replaying Asterisk 22 captures): connect,
 * accept the host key, run the checks (evidence + fix), plan, tick, apply,
 * and see before/after — the file on the fake PBX really changes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasFixtures, noticeIfMissing } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, type FakePbx } from '../doctor/support/fake-pbx.js';
import { doctorEngineConfig } from '../doctor/support/engine-config.js';
import { startFakeAri, type FakeAri } from '../doctor/support/fake-ari-fs.js';
import { layoutBroken } from '../doctor/support/pbx-layouts.js';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import { createDoctorService } from '../../engine/src/doctor/doctor-service.js';
import { buildDashboard, removeDashboards } from './support/dashboard.js';
import { hasChromium, openBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';

noticeIfMissing();
if (!canRunSshd) console.warn('[notice] /usr/sbin/sshd missing: doctor dashboard e2e skipped');

const ARI_PASSWORD = 'ari-Pw-e2e-5521';

describe.skipIf(!hasChromium || !canRunSshd || !hasFixtures)('dashboard: SSH doctor against a fake FreePBX', () => {
  let pbx: FakePbx;
  let ari: FakeAri;
  let eng: RunningEngine;
  let b: BrowserSession;
  let scratch: string;

  beforeAll(async () => {
    const dash = await buildDashboard();
    pbx = await startFakePbx();
    ari = await startFakeAri(`${pbx.root}/var/spool/asterisk`, { username: 'aiagent', password: ARI_PASSWORD });
    scratch = mkdtempSync(join(tmpdir(), 'aava-e2e-doctor-'));
    const config = await doctorEngineConfig(ari.port);
    eng = await startEngine({ configText: config, dashboardDir: dash, secrets: { ASTERISK_ARI_PASSWORD: ARI_PASSWORD }, extra: { services: [createSettingsService, createDoctorService] } });
    b = await openBrowser({ width: 1920, height: 1080 });
  });

  afterAll(async () => {
    await b?.close();
    await eng?.stop();
    await ari?.close();
    await pbx?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    removeDashboards();
  });

  it('connect → accept host key → checks with evidence and fixes → plan → apply → before/after', async () => {
    layoutBroken(pbx.root);
    pbx.scenario();
    const { page } = b;
    await page.goto(`${eng.url}#/doctor`);
    const card = page.getByRole('region', { name: 'FreePBX checks over SSH' });
    await card.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await card.getByLabel('Port', { exact: true }).fill(String(pbx.port));
    await card.getByLabel('Username', { exact: true }).fill(pbx.user);
    await card.getByLabel('Authentication').selectOption('key');
    await card.getByLabel('Key file').fill(pbx.clientKey);
    await card.getByText('Advanced').click();
    await card.getByLabel('Root prefix').fill(pbx.root);
    await card.getByRole('button', { name: 'Connect' }).click();
    await card.getByText(/First connection to \[127\.0\.0\.1\]:\d+\./).waitFor();
    const fp = await card.locator('.notice code').first().textContent();
    expect(fp).toMatch(/^SHA256:/);
    await card.getByRole('button', { name: 'Accept this host key' }).click();
    await card.getByRole('button', { name: 'Run checks' }).click();
    const checks = card.getByRole('list', { name: 'FreePBX checks' });
    const dialplan = checks.locator('li[data-check="dialplan-from-ai-agent-sales"]');
    await dialplan.waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: /^Plan fixes/ }).waitFor();
    expect(await dialplan.getAttribute('class')).toContain('st-fail');
    expect(await dialplan.locator('.fix').textContent()).toMatch(/^Fix: /);
    await dialplan.getByText(/^Evidence/).click();
    expect(await dialplan.locator('.evidence').count()).toBeGreaterThan(0);
    await screenshot(page, 'doctor-ssh-checks');
    expect(JSON.stringify(await page.content())).not.toContain(ARI_PASSWORD);

    await card.getByRole('button', { name: /^Plan fixes/ }).click();
    const plan = card.getByRole('group', { name: 'Fixes to apply' });
    await plan.waitFor();
    // Apply only the dialplan fix: untick everything else.
    for (const box of await plan.getByRole('checkbox').all()) if (!(await box.isDisabled()) && (await box.isChecked())) await box.uncheck();
    const dialplanFix = plan.locator('.plan-item', { hasText: 'extensions_custom.conf' }).getByRole('checkbox');
    await dialplanFix.check();
    expect(await plan.locator('.plan-item', { hasText: 'extensions_custom.conf' }).locator('pre.diff .add', { hasText: 'Set(AI_CONTEXT=sales)' }).count()).toBeGreaterThan(0);
    await screenshot(page, 'doctor-ssh-plan');
    await card.getByRole('button', { name: 'Apply 1 selected' }).click();
    const ba = card.getByRole('table', { name: 'Before and after' });
    await ba.waitFor({ timeout: 60_000 });
    const row = ba.locator('tr', { has: page.locator('td', { hasText: /from-ai-agent-sales|sales/ }) }).first();
    expect(await row.locator('[aria-label="fail"]').count()).toBe(1);
    expect(await row.locator('[aria-label="pass"]').count()).toBe(1);
    expect(readFileSync(`${pbx.root}/etc/asterisk/extensions_custom.conf`, 'utf8')).toContain('Set(AI_CONTEXT=sales)');
    await screenshot(page, 'doctor-ssh-applied');
    expect(b.errors).toEqual([]);
  });
});
