import { Profiler } from 'react';
import { act, cleanup, screen, within } from '@testing-library/react';
import { LiveCallsPage } from '../../renderer/src/pages/LiveCallsPage';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { callSummary, configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
});

describe('Live calls: each call’s live transcript line and level meter', () => {
  it('calls.levels events move the caller/agent bars without re-rendering the page; transcript lines appear under the call', async () => {
    const call = callSummary({ id: 'c1', callerName: 'Ada', callerNumber: '100' });
    const client = new FakeClient().handle('calls.active', () => [call]).handle('config.get', () => configView());
    let commits = 0;
    renderWithStores(
      <Profiler id="calls" onRender={() => commits++}>
        <LiveCallsPage />
      </Profiler>,
      client,
    );
    const live = await screen.findByTestId('call-live');
    expect(within(live).getByText('Nothing said yet.')).toBeTruthy();
    const caller = within(live).getByTestId('meter-caller');
    const agent = within(live).getByTestId('meter-agent');
    expect(caller.style.width).toBe('0%');

    const before = commits;
    act(() => client.emit({ type: 'calls.levels', at: 1000, levels: [{ callId: 'c1', callerDb: -12, agentDb: -90 }, { callId: 'other', callerDb: -3, agentDb: -3 }] }));
    expect(caller.style.width).toBe('80%');
    expect(caller.dataset.db).toBe('-12');
    expect(agent.style.width).toBe('0%');
    expect(within(live).getByTestId('call-meter').getAttribute('title')).toBe('caller -12 dBFS · agent silent');
    act(() => client.emit({ type: 'calls.levels', at: 1200, levels: [{ callId: 'c1', callerDb: -90, agentDb: -30 }] }));
    expect(caller.style.width).toBe('0%');
    expect(agent.style.width).toBe('50%');
    expect(commits).toBe(before);

    act(() => client.emit({ type: 'call.transcript', line: { callId: 'c1', seq: 1, role: 'agent', text: 'Thanks for calling sales.', at: '2026-11-21T08:00:01Z' } }));
    act(() => client.emit({ type: 'call.transcript', line: { callId: 'c1', seq: 2, role: 'caller', text: 'I need a quote.', at: '2026-11-21T08:00:03Z' } }));
    expect(live.textContent).toContain('caller I need a quote.');
    expect(live.textContent).not.toContain('Thanks for calling sales.');

    // A call that ended stops showing a meter (its levels are dropped).
    act(() => client.emit({ type: 'call.ended', call: { ...call, state: 'ended', endedAt: '2026-11-21T08:01:00Z' } }));
    expect(within(screen.getByTestId('call-live')).queryByTestId('call-meter')).toBeNull();
  });
});
