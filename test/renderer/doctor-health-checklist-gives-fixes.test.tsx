import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { healthChecklist } from '../../renderer/src/pages/health-checklist';
import { DoctorPage } from '../../renderer/src/pages/DoctorPage';
import { App } from '../../renderer/src/App';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { healthReport } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  window.location.hash = '';
});

describe('Doctor: /health as a checklist', () => {
  it('every failed item carries a fix; passing items none', () => {
    const items = healthChecklist(healthReport());
    const byId = Object.fromEntries(items.map((i) => [i.id, i]));
    expect(byId.ari).toMatchObject({ status: 'fail', detail: 'connect ECONNREFUSED 127.0.0.1:8088' });
    expect(byId.ari!.fix).toMatch(/ari\.conf/);
    expect(byId['transport:audiosocket']).toMatchObject({ status: 'pass', detail: 'bind 0.0.0.0:8090, Asterisk connects to 10.0.0.5:8090' });
    expect(byId['provider:openai_realtime']!.fix).toMatch(/Provider keys/);
    expect(byId['provider:echo']!.status).toBe('pass');
    expect(byId.recordings).toMatchObject({ status: 'fail' });
    for (const i of items) expect(i.status === 'pass' ? i.fix === undefined : true).toBe(true);
    for (const i of items.filter((x) => x.status === 'fail')) expect(i.fix).toBeTruthy();
  });

  it('a transport that listens below the configured media worker priority is a warning with the way to get it', () => {
    const base = healthReport();
    const audiosocket = { ...base.transports.audiosocket!, warning: 'media workers asked for realtime but run at nice 0 (chrt: ENOENT)' };
    const item = healthChecklist(healthReport({ transports: { ...base.transports, audiosocket } })).find((i) => i.id === 'transport:audiosocket');
    expect(item).toMatchObject({ status: 'warn' });
    expect(item!.detail).toContain('asked for realtime but run at nice 0');
    expect(item!.fix).toMatch(/CAP_SYS_NICE/);
  });

  it('renders the checklist and updates on health.changed', async () => {
    const client = new FakeClient().handle('health.get', () => healthReport());
    renderWithStores(<DoctorPage />, client);
    const list = await screen.findByRole('list', { name: 'Health checks' });
    expect(within(list).getByText('Asterisk ARI connected').closest('li')!.className).toContain('st-fail');
    act(() => client.emit({ type: 'health.changed', health: healthReport({ ari_connected: true, status: 'healthy' }) }));
    expect(within(list).getByText('Asterisk ARI connected').closest('li')!.className).toContain('st-pass');
    // The log tail streams in, filtered by level.
    act(() => {
      client.emit({ type: 'log', line: { level: 'debug', msg: 'frame paced', time: Date.now() } });
      client.emit({ type: 'log', line: { level: 'warn', msg: 'ARI reconnecting', time: Date.now(), component: 'ari' } });
    });
    const log = screen.getByRole('list', { name: 'Engine log lines' });
    expect(within(log).getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringContaining('warn [ari] ARI reconnecting')]);
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'debug' } });
    expect(within(log).getAllByRole('listitem')).toHaveLength(2);
  });

  it('SSH doctor: host key prompt, accept, run checks with evidence, plan with diffs, apply selected', async () => {
    const check = { id: 'ari_user', title: 'ARI user exists', status: 'fail' as const, evidence: [{ command: 'grep -n "type = user" /etc/asterisk/ari.conf', output: '' }], fix: 'Add an ARI user', fixIds: ['ari_user'] };
    const client = new FakeClient()
      .handle('health.get', () => healthReport())
      .handle('secrets.set', () => ({ ok: true as const }))
      .handle('settings.get', () => ({ ari: { host: 'h', port: 8088, scheme: 'http' as const, username: 'u', appName: 'a', passwordSecret: 'ASTERISK_ARI_PASSWORD' }, audioTransport: 'audiosocket' as const, dataDir: '/d', secrets: [] }))
      .handle('doctor.hostKey', ({ target }) => ({ host: target.host, fingerprint: 'SHA256:abc', known: false, changed: false }))
      .handle('doctor.run', () => [check])
      .handle('doctor.plan', () => [
        { id: 'ari_user', title: 'Create the ARI user', diff: '--- a/ari.conf\n+++ b/ari.conf\n+[aava]\n+type = user', files: ['/etc/asterisk/ari.conf'], commands: [], alreadyApplied: false },
        { id: 'symlink', title: 'Media symlink', diff: '', files: [], commands: ['ln -s a b'], alreadyApplied: true },
      ])
      .handle('doctor.apply', () => ({ applied: ['ari_user'], backups: [{ file: '/etc/asterisk/ari.conf', backup: '/etc/asterisk/ari.conf.aava-1' }], before: [check], after: [{ ...check, status: 'pass' as const }] }));
    renderWithStores(<DoctorPage />, client);
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'pbx.lan' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw-1234' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByText('SHA256:abc');
    // The password went to the secret store; the doctor got only its name.
    expect(client.callsOf('secrets.set')).toEqual([{ name: 'SSH_PASSWORD', value: 'pw-1234' }]);
    expect(JSON.stringify(client.callsOf('doctor.hostKey'))).not.toContain('pw-1234');
    fireEvent.click(screen.getByRole('button', { name: 'Accept this host key' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Run checks' }));
    await screen.findByText('ARI user exists');
    expect((client.callsOf('doctor.run')[0] as { target: { acceptHostKey: string; secretName: string } }).target).toMatchObject({ acceptHostKey: 'SHA256:abc', secretName: 'SSH_PASSWORD', host: 'pbx.lan' });
    fireEvent.click(screen.getByRole('button', { name: 'Plan fixes for 1 item' }));
    const create = await screen.findByLabelText(/Create the ARI user/);
    expect((create as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/Media symlink/) as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Apply 1 selected' }));
    await waitFor(() => expect(client.callsOf('doctor.apply')).toHaveLength(1));
    expect((client.callsOf('doctor.apply')[0] as { fixIds: string[] }).fixIds).toEqual(['ari_user']);
    expect(await screen.findByText('Before and after')).toBeTruthy();
  });

  it('the shell header shows live health and the page of the hash route', async () => {
    window.location.hash = '#/doctor';
    const client = new FakeClient().handle('health.get', () => healthReport());
    renderWithStores(<App />, client);
    expect(await screen.findByTestId('header-status')).toHaveProperty('textContent', 'Degraded');
    expect(screen.getByRole('link', { name: 'Doctor' }).getAttribute('aria-current')).toBe('page');
    act(() => client.emit({ type: 'health.changed', health: healthReport({ status: 'healthy', ari_connected: true }) }));
    expect(screen.getByTestId('header-status').textContent).toBe('Healthy');
    act(() => client.setConnection({ status: 'closed', attempt: 1, retryInMs: 500, reason: 'connection closed (1006)' }));
    expect(screen.getByTestId('header-status').textContent).toBe('Engine unreachable');
  });
});
