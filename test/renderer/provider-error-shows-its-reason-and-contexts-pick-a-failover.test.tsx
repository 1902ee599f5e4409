import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HistoryPage } from '../../renderer/src/pages/HistoryPage';
import { ContextsPage } from '../../renderer/src/pages/ContextsPage';
import type { CallDetail } from '../../renderer/src/api/contract';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { callSummary, configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  window.location.hash = '';
});

describe('provider failover in the dashboard', () => {
  it('History lists provider_error with its reason and filters by it; the call page shows the reason, the target and the error', async () => {
    const failed = callSummary({ state: 'ended', endedAt: new Date().toISOString(), outcome: 'provider_error', failureReason: 'socket_drop', transferTarget: 'sales_queue' });
    const detail: CallDetail = {
      ...failed,
      greeting: 'Hi',
      prompt: 'p',
      sources: { provider: 'context', context: 'channel_var', greeting: 'context', prompt: 'context', persona: 'default' },
      transcript: [{ callId: failed.id, seq: 1, role: 'system', text: 'Provider failed (socket drop); failover: transfer:sales_queue', at: failed.startedAt }],
      turnLatencies: [],
      toolCalls: [],
      error: 'OpenAI Realtime connection closed (code 1006); reconnecting failed: HTTP 503',
    };
    const client = new FakeClient()
      .handle('calls.list', () => [failed])
      .handle('calls.get', () => detail)
      .handle('config.get', () => configView());
    renderWithStores(<HistoryPage detailId={failed.id} />, client);
    const table = await screen.findByRole('table');
    expect(await within(table).findByText('provider error: socket drop')).toBeTruthy();

    const panel = await screen.findByRole('region', { name: 'Call detail' });
    expect(await within(panel).findByText('provider error: socket drop')).toBeTruthy();
    expect(within(panel).getByText(/→ sales_queue/)).toBeTruthy();
    expect(within(panel).getByRole('alert').textContent).toBe('The provider failed: OpenAI Realtime connection closed (code 1006); reconnecting failed: HTTP 503');

    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'provider_error' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(client.callsOf('calls.list').at(-1)).toMatchObject({ outcome: 'provider_error' }));
  });

  it('the Contexts page picks a context’s failover among the transfer destinations and saves it', async () => {
    const client = new FakeClient()
      .handle('config.get', () => configView({ defaultFailover: 'hangup', failoverContinueTo: 'from-internal,s,1' }))
      .handle('config.validateContext', () => ({ ok: true as const }))
      .handle('config.saveContext', () => ({ ok: true as const }));
    renderWithStores(<ContextsPage selected="sales" />, client);
    const select = (await screen.findByLabelText('When the provider fails')) as HTMLSelectElement;
    expect(select.value).toBe('');
    expect([...select.options].map((o) => o.textContent)).toEqual(['default: hang up', 'hang up', 'continue in the dialplan (from-internal,s,1)', 'transfer to operator (extension 100)']);
    fireEvent.change(select, { target: { value: 'transfer:operator' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('config.saveContext')).toHaveLength(1));
    expect(client.callsOf('config.saveContext')[0]).toMatchObject({ name: 'sales', context: { failover: 'transfer:operator' } });
  });
});
