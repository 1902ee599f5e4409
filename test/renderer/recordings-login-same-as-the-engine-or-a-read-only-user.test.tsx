import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SettingsPage } from '../../renderer/src/pages/SettingsPage';
import type { RecordingsSettingsView, SettingsView } from '../../renderer/src/api/contract';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';

afterEach(() => {
  cleanup();
  disposeStores();
});

function engine(view: RecordingsSettingsView) {
  const settings = (): SettingsView => ({
    ari: { host: '10.0.0.2', port: 8088, scheme: 'http', username: 'aava', appName: 'asterisk-ai-voice-agent', passwordSecret: 'ASTERISK_ARI_PASSWORD' },
    audioTransport: 'audiosocket',
    dataDir: '/var/lib/aava',
    secrets: [],
  });
  return new FakeClient()
    .handle('settings.get', settings)
    .handle('recordings.settings', () => view)
    .handle('recordings.saveSettings', () => ({ ok: true as const }));
}

const INHERITED: RecordingsSettingsView = { enabled: true, host: '10.0.0.2', port: 8088, username: 'aava', tls: false, intervalMinutes: 10, concurrency: 4, retentionDays: 0, passwordSet: true, sameAsEngine: true };

describe('Settings → FreePBX Integration: the ARI login', () => {
  it('shows "same as the engine’s ARI connection" with the login it uses, and saves it as empty fields', async () => {
    const client = engine(INHERITED);
    renderWithStores(<SettingsPage />, client);
    const same = (await screen.findByLabelText(/same as the engine's ARI connection/)) as HTMLInputElement;
    const card = screen.getByRole('region', { name: 'FreePBX Integration' });
    expect(same.checked).toBe(true);
    expect(within(card).getByTestId('fp-login-summary').textContent).toBe('aava@10.0.0.2:8088, from Settings → Asterisk ARI connection');
    expect(within(card).queryByLabelText('Host')).toBeNull();
    fireEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('recordings.saveSettings')).toEqual([{ enabled: true, host: '', username: '', intervalMinutes: 10 }]));
  });

  it('unticked: a separate read-only user with its own password', async () => {
    const client = engine(INHERITED);
    renderWithStores(<SettingsPage />, client);
    fireEvent.click(await screen.findByLabelText(/same as the engine's ARI connection/));
    const card = screen.getByRole('region', { name: 'FreePBX Integration' });
    expect(within(card).getByTestId('fp-login-summary').textContent).toContain('read_only = yes');
    expect((within(card).getByLabelText('Host') as HTMLInputElement).value).toBe('10.0.0.2');
    fireEvent.change(within(card).getByLabelText('Username'), { target: { value: 'sync-ro' } });
    fireEvent.change(within(card).getByLabelText('Password'), { target: { value: 'ro-secret' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('recordings.saveSettings')).toEqual([{ enabled: true, host: '10.0.0.2', port: 8088, username: 'sync-ro', tls: false, password: 'ro-secret', intervalMinutes: 10 }]));
  });
});
