import { act, cleanup, screen } from '@testing-library/react';
import { Header } from '../../renderer/src/components/Header';
import RecordingsPage from '../../renderer/src/pages/RecordingsPage';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { healthReport } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  vi.useRealTimers();
});

describe('what the dashboard shows stays true while the page is open', () => {
  it('the header’s uptime advances every second from the last /health report', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-21T08:00:00Z'));
    const client = new FakeClient().handle('health.get', () => healthReport({ uptime_seconds: 4 })).handle('calls.active', () => []);
    const { stores } = renderWithStores(<Header />, client);
    await act(async () => {
      await stores.health.getState().load();
    });
    const up = screen.getByTestId('header-uptime');
    expect(up.textContent).toBe('up 4 s');
    await act(async () => {
      vi.advanceTimersByTime(3000);
    });
    expect(up.textContent).toBe('up 7 s');
    await act(async () => {
      vi.advanceTimersByTime(60_000);
    });
    expect(up.textContent).toBe('up 1 min 07 s');
    // A fresh report resets the base: the engine's own count wins.
    act(() => client.emit({ type: 'health.changed', health: healthReport({ uptime_seconds: 100 }) }));
    expect(up.textContent).toBe('up 1 min 40 s');
  });

  it('a sync started elsewhere (the timer) turns the button to Syncing… and back, and Done agrees with Last sync', async () => {
    const client = new FakeClient().handle('recordings.list', () => []).handle('recordings.lastSync', () => null);
    renderWithStores(<RecordingsPage />, client);
    const button = await screen.findByRole('button', { name: 'Sync now' });
    act(() => client.emit({ type: 'sync.progress', progress: { phase: 'listing', found: 0, downloaded: 0, failed: 0, bytes: 0 } }));
    expect(button.textContent).toBe('Syncing…');
    expect((button as HTMLButtonElement).disabled).toBe(true);
    // The progress "done" counts only new or changed recordings; the finished summary counts the whole listing.
    act(() => client.emit({ type: 'sync.progress', progress: { phase: 'done', found: 0, downloaded: 0, failed: 0, bytes: 0 } }));
    act(() => client.emit({ type: 'sync.finished', summary: { found: 14, downloaded: 0, skipped: 14, failed: 0, bytes: 0, startedAt: '2026-11-21T08:00:00Z', finishedAt: '2026-11-21T08:00:02Z' } }));
    expect(button.textContent).toBe('Sync now');
    expect((button as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByRole('status').textContent).toContain('Done: 14 found, 0 downloaded, 14 unchanged');
    expect(screen.getByTestId('last-sync').textContent).toMatch(/: 14 found, 0 downloaded, 14 unchanged, 0 failed$/);
  });
});
