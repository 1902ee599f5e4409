import { Profiler } from 'react';
import { act, cleanup, screen } from '@testing-library/react';
import { LiveCallsPage } from '../../renderer/src/pages/LiveCallsPage';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { callSummary, configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  vi.useRealTimers();
});

describe('Live calls duration', () => {
  it('ticks every second through a transient clock subscription, without re-rendering the page', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-21T08:00:00Z'));
    const client = new FakeClient()
      .handle('calls.active', () => [callSummary({ startedAt: '2026-11-21T07:58:55Z' })])
      .handle('config.get', () => configView());
    let commits = 0;
    renderWithStores(
      <Profiler id="calls" onRender={() => commits++}>
        <LiveCallsPage />
      </Profiler>,
      client,
    );
    await act(async () => {
      await Promise.resolve();
      await Promise.resolve();
    });
    const ticker = await screen.findByTestId('ticker');
    expect(ticker.textContent).toBe('1:05');
    const before = commits;
    await act(async () => {
      vi.advanceTimersByTime(3000);
    });
    expect(ticker.textContent).toBe('1:08');
    expect(commits).toBe(before);
  });
});
