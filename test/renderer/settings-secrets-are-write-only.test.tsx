import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SettingsPage } from '../../renderer/src/pages/SettingsPage';
import type { SecretStatus, SettingsView } from '../../renderer/src/api/contract';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';

afterEach(() => {
  cleanup();
  disposeStores();
});

function engine() {
  const secrets: SecretStatus[] = [{ name: 'ASTERISK_ARI_PASSWORD', set: true, source: 'file' }];
  const view = (): SettingsView => ({
    ari: { host: '10.0.0.2', port: 8088, scheme: 'http', username: 'aava', appName: 'asterisk-ai-voice-agent', passwordSecret: 'ASTERISK_ARI_PASSWORD' },
    audioTransport: 'audiosocket',
    dataDir: '/var/lib/aava',
    secrets: secrets.map((s) => ({ ...s })),
  });
  return new FakeClient()
    .handle('settings.get', view)
    .handle('recordings.settings', () => ({ enabled: true, host: '10.0.0.2', port: 8088, username: 'connex', tls: false, intervalMinutes: 10, concurrency: 4, retentionDays: 0, passwordSet: true }))
    .handle('secrets.set', ({ name }) => {
      secrets.push({ name, set: true, source: 'file' });
      return { ok: true as const };
    })
    .handle('recordings.testConnection', (args) => ({
      ok: false,
      cause: 'tls_untrusted' as const,
      message: `certificate of ${args.host}:${args.port} is self-signed`,
      fix: 'Trust the certificate shown below after comparing it on the PBX',
      certificateFingerprint: 'AB:CD:EF',
    }))
    .handle('recordings.saveSettings', () => ({ ok: true as const }))
    .handle('settings.testAri', () => ({ ok: false, message: 'connect ECONNREFUSED 10.0.0.2:8088', fix: 'Enable the Asterisk HTTP server (http.conf enabled=yes)' }));
}

describe('Settings', () => {
  it('stores a provider key via secrets.set, clears the field and never shows the value', async () => {
    const client = engine();
    renderWithStores(<SettingsPage />, client);
    const keys = await screen.findByRole('region', { name: 'Provider keys' });
    const input = within(keys).getByLabelText('OPENAI_API_KEY') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: 'sk-test-123456' } });
    fireEvent.click(within(input.parentElement!).getByRole('button', { name: 'Set' }));
    await waitFor(() => expect(client.callsOf('secrets.set')).toEqual([{ name: 'OPENAI_API_KEY', value: 'sk-test-123456' }]));
    await within(keys).findByText('Stored. The value is not shown again.');
    expect(input.value).toBe('');
    expect(document.body.innerHTML).not.toContain('sk-test-123456');
    expect(within(input.parentElement!).getByText('set · secrets file (0600)')).toBeTruthy();
  });

  it('FreePBX Integration: Test Connection shows the diagnosis, its fix, and lets the user trust the certificate', async () => {
    const client = engine();
    renderWithStores(<SettingsPage />, client);
    fireEvent.click(await screen.findByLabelText('Use TLS'));
    const card = screen.getByRole('region', { name: 'FreePBX Integration' });
    expect((within(card).getByLabelText('Port') as HTMLInputElement).value).toBe('8089');
    fireEvent.click(within(card).getByRole('button', { name: 'Test Connection' }));
    await within(card).findByText('Failed: tls untrusted.');
    expect(within(card).getByText('certificate of 10.0.0.2:8089 is self-signed')).toBeTruthy();
    expect(within(card).getByText('Trust the certificate shown below after comparing it on the PBX')).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: 'Trust this certificate' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('recordings.saveSettings')).toHaveLength(1));
    expect(client.callsOf('recordings.saveSettings')[0]).toEqual({ enabled: true, host: '10.0.0.2', port: 8089, username: 'connex', tls: true, intervalMinutes: 10, trustFingerprint: 'AB:CD:EF' });
  });

  it('ARI Test Connection shows the failure and the fix inline', async () => {
    renderWithStores(<SettingsPage />, engine());
    const card = await screen.findByRole('region', { name: 'Asterisk ARI connection' });
    fireEvent.click(within(card).getByRole('button', { name: 'Test Connection' }));
    await within(card).findByText('connect ECONNREFUSED 10.0.0.2:8088');
    expect(within(card).getByText('Enable the Asterisk HTTP server (http.conf enabled=yes)')).toBeTruthy();
  });
});
