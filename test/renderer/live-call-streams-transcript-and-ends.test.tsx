import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { LiveCallsPage } from '../../renderer/src/pages/LiveCallsPage';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { callSummary, configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  window.location.hash = '';
});

describe('Live calls', () => {
  it('lists an active call, streams its transcript and per-turn latency, and greys it out when it ends', async () => {
    const call = callSummary();
    const client = new FakeClient()
      .handle('calls.active', () => [call])
      .handle('config.get', () => configView())
      .handle('calls.get', ({ id }) => ({
        ...call,
        id,
        greeting: 'Hi',
        prompt: 'p',
        sources: { provider: 'context' as const, context: 'channel_var' as const, greeting: 'context' as const, prompt: 'context' as const, persona: 'default' as const },
        transcript: [{ callId: id, seq: 1, role: 'agent' as const, text: 'Hi, sales here.', at: call.startedAt }],
        turnLatencies: [],
        toolCalls: [],
      }))
      .handle('calls.hangup', () => ({ ok: true as const }));
    const r = renderWithStores(<LiveCallsPage selectedId="call-1" />, client);
    const table = await screen.findByRole('table');
    await within(table).findByText('Ada Lovelace (+15550100)');
    expect(within(table).getByText('sales')).toBeTruthy();
    expect(within(table).getByText('640 ms')).toBeTruthy();
    // The transcript from calls.get, then lines streamed as events.
    const transcript = await screen.findByRole('list', { name: 'Transcript' });
    await within(transcript).findByText('Hi, sales here.');
    // The table's row under the call shows the line being said too.
    expect(within(table).getByTestId('call-live').textContent).toContain('Hi, sales here.');
    act(() => {
      client.emit({ type: 'call.transcript', line: { callId: 'call-1', seq: 2, role: 'caller', text: 'I want a quote', at: new Date().toISOString() } });
      client.emit({
        type: 'call.turn',
        latency: { callId: 'call-1', turn: 1, provider: 'echo', endOfSpeechAt: Date.now(), sttFinalMs: 120, llmFirstTokenMs: 300, ttsFirstByteMs: 450, firstAudioMs: 520, bargeInReactionMs: null },
      });
      client.emit({ type: 'call.updated', call: { ...call, state: 'speaking', lastTurnLatencyMs: 520 } });
    });
    expect(within(transcript).getByText('I want a quote')).toBeTruthy();
    expect(within(table).getByTestId('call-live').textContent).toContain('I want a quote');
    expect(screen.getByRole('img', { name: 'Turn 1: 520 ms to first audio' })).toBeTruthy();
    // Placed on the call's timeline: the caller stopped speaking 65 s into the call.
    expect(screen.getByText(/^at 1:0[56]$/)).toBeTruthy();
    expect(within(table).getByText('speaking')).toBeTruthy();
    expect(within(table).getByText('520 ms')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Hang up' }));
    await waitFor(() => expect(client.callsOf('calls.hangup')).toEqual([{ id: 'call-1' }]));

    act(() => client.emit({ type: 'call.ended', call: { ...call, state: 'ended', endedAt: new Date().toISOString(), outcome: 'agent_hangup' } }));
    const row = within(table).getByText('Ada Lovelace (+15550100)').closest('tr')!;
    expect(row.className).toContain('ended');
    expect((screen.getByRole('button', { name: 'Hang up' }) as HTMLButtonElement).disabled).toBe(true);
    expect(r.stores.calls.getState().order).toEqual(['call-1']);
  });

  it('shows the dialplan snippet when no call is active, and the not-available notice inline', async () => {
    const client = new FakeClient().handle('config.get', () => configView());
    renderWithStores(<LiveCallsPage />, client);
    await screen.findByText('Loading active calls: not available in this engine.');
    expect(await screen.findByLabelText('Dialplan for sales')).toBeTruthy();
    expect(screen.getByLabelText('Dialplan for sales').textContent).toContain('same => n,Set(AI_CONTEXT=sales)\n same => n,Stasis(asterisk-ai-voice-agent)');
  });

  it('reports a failed transfer inline with the engine’s message', async () => {
    const call = callSummary();
    const client = new FakeClient()
      .handle('calls.active', () => [call])
      .handle('config.get', () => configView())
      .fail('calls.get', { code: 'not_found', message: 'no call call-1' })
      .fail('calls.transfer', { code: 'bad_request', message: 'calls.transfer: destination "nobody" is not configured', path: 'tools.transfer.destinations' });
    renderWithStores(<LiveCallsPage selectedId="call-1" />, client);
    await screen.findByText('no call call-1');
    fireEvent.change(screen.getByPlaceholderText('destination or extension'), { target: { value: 'nobody' } });
    fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    const alert = await screen.findByText('calls.transfer: destination "nobody" is not configured');
    expect(alert.closest('[role="alert"]')?.textContent).toContain('tools.transfer.destinations');
  });
});
