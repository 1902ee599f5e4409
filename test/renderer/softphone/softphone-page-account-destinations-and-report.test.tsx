import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import SoftphonePage from '../../../renderer/src/softphone/SoftphonePage';
import { TestCallReportView } from '../../../renderer/src/softphone/TestCallReportView';
import { getPhone } from '../../../renderer/src/softphone/use-phone';
import type { CallDetail, ConfigView, SoftphoneAccount } from '../../../renderer/src/api/contract';
import { FakeClient } from '../support/fake-client';
import { disposeStores, renderWithStores } from '../support/render-app';

afterEach(async () => {
  cleanup();
  disposeStores();
  await getPhone().unregister();
  window.location.hash = '';
});

const config = (contexts: ConfigView['contexts']): ConfigView => ({
  path: '/etc/aava/ai-agent.yaml',
  loadedAt: '2026-11-21T08:00:00.000Z',
  defaultProvider: 'echo',
  audioTransport: 'audiosocket',
  appName: 'asterisk-ai-voice-agent',
  contexts,
  providers: [],
  tools: [],
  transferDestinations: [],
});

function engine(initial: SoftphoneAccount | null) {
  let account = initial;
  return new FakeClient()
    .handle('config.get', () => config([{ name: 'sales', tools: [], destination: '7000' }, { name: 'support', tools: [] }]))
    .handle('softphone.account', () => account)
    .handle('softphone.credentials', () => ({ password: 'pw-from-secret-store' }))
    .handle('testcalls.list', () => [])
    .handle('softphone.saveAccount', (args) => {
      account = { wssUrl: args.wssUrl, sipUri: args.sipUri, authUser: args.authUser, displayName: args.displayName ?? '', iceServers: args.iceServers ?? [], passwordSet: !!args.password || !!account?.passwordSet };
      return { ok: true as const };
    });
}

describe('Softphone page', () => {
  it('asks for an account first and saves the password write-only', async () => {
    const { client } = renderWithStores(<SoftphonePage />, engine(null));
    const form = await screen.findByRole('form', { name: 'SIP account' });
    expect(screen.getByRole('button', { name: 'Register' })).toHaveProperty('disabled', true);
    fireEvent.change(within(form).getByLabelText('WebSocket URL'), { target: { value: 'wss://pbx.example.com:8089/ws' } });
    fireEvent.change(within(form).getByLabelText('SIP URI / extension'), { target: { value: 'sip:1001@pbx.example.com' } });
    fireEvent.change(within(form).getByLabelText(/^Auth user/), { target: { value: '1001' } });
    fireEvent.change(within(form).getByLabelText(/^Password/), { target: { value: 's3cret-pw' } });
    fireEvent.change(within(form).getByLabelText(/^ICE servers/), { target: { value: 'turn:turn.example.com:3478 alice pw2' } });
    // Self-signed certificate guidance points at the PBX's own https port.
    expect(within(form).getByRole('link', { name: 'https://pbx.example.com:8089/httpstatus' })).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: 'Save account' }));
    await waitFor(() => expect(client.callsOf('softphone.saveAccount')).toHaveLength(1));
    expect(client.callsOf('softphone.saveAccount')[0]).toEqual({
      wssUrl: 'wss://pbx.example.com:8089/ws',
      sipUri: 'sip:1001@pbx.example.com',
      authUser: '1001',
      displayName: '',
      iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'alice', credential: 'pw2' }],
      password: 's3cret-pw',
    });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'SIP account' })).toBeNull());
    expect(screen.getByText('sip:1001@pbx.example.com')).toBeTruthy();
    expect(document.body.textContent).not.toContain('s3cret-pw');
    expect(screen.getByRole('button', { name: 'Register' })).toHaveProperty('disabled', false);
  });

  it('lists the contexts that have a destination and shows a transport failure with its reason', async () => {
    const acc: SoftphoneAccount = { wssUrl: 'ws://127.0.0.1:9/ws', sipUri: 'sip:1001@127.0.0.1', authUser: '1001', displayName: '', iceServers: [], passwordSet: true };
    const { client } = renderWithStores(<SoftphonePage />, engine(acc));
    const list = await screen.findByRole('list', { name: 'Agent destinations' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['sales 7000Call']);
    fireEvent.click(screen.getByRole('button', { name: 'Register' }));
    const err = await screen.findByTestId('reg-error', {}, { timeout: 8000 });
    expect(err.textContent).toMatch(/ws:\/\/127\.0\.0\.1:9\/ws/);
    expect(screen.getByTestId('reg-state').textContent).toBe('Registration failed');
    expect(client.callsOf('softphone.credentials')).toHaveLength(1);
  });

  it('preselects the destination handed over by "Test this context"', async () => {
    window.location.hash = '#/softphone?destination=7000&context=sales';
    renderWithStores(<SoftphonePage />, engine(null));
    const input = await screen.findByLabelText('Test destination');
    expect((input as HTMLInputElement).value).toBe('7000');
    // Not registered: the test waits, the run button explains why it is disabled.
    expect(screen.getByRole('button', { name: 'Run test call' })).toHaveProperty('disabled', true);
    expect(screen.getByText('Register the phone first.')).toBeTruthy();
  });
});

describe('test-call report', () => {
  it('shows caller-side numbers next to the engine-reported turn latency and a timeline', async () => {
    const detail = { id: 'call-1', turnLatencies: [{ callId: 'call-1', turn: 1, provider: 'echo', endOfSpeechAt: 0, endOfTurnMs: 600, sttFinalMs: 720, llmFirstTokenMs: 800, ttsFirstByteMs: 850, firstAudioMs: 880, bargeInReactionMs: null }] } as unknown as CallDetail;
    const client = new FakeClient().handle('calls.get', () => detail);
    render(
      <TestCallReportView
        client={client}
        report={{
          destination: '7000',
          startedAt: '2026-11-21T08:00:00.000Z',
          answerMs: 812,
          greetingLatencyMs: 640,
          replyLatenciesMs: [905, null],
          timeline: [
            { kind: 'agent', startMs: 1452, endMs: 2900 },
            { kind: 'caller', startMs: 3500, endMs: 4900 },
            { kind: 'agent', startMs: 5805, endMs: 7000 },
          ],
          engineCallId: 'call-1',
          playoutDelayMs: 31,
          pipelineMs: 40,
        }}
      />,
    );
    expect(screen.getByTestId('answer-ms').textContent).toBe('812 ms');
    expect(screen.getByTestId('greeting-ms').textContent).toBe('640 ms');
    expect(screen.getByTestId('reply-ms-0').textContent).toBe('905 ms');
    expect(screen.getByTestId('reply-ms-1').textContent).toBe('—');
    // The engine's figure runs from the caller's last voiced frame, the end-of-speech wait included (what the caller waited).
    await screen.findByText(/880 ms \(end-of-speech wait 600 ms, STT 720 ms, LLM 800 ms, TTS 850 ms\)/);
    expect(client.callsOf('calls.get')).toEqual([{ id: 'call-1' }]);
    const chart = screen.getByRole('img', { name: 'Test call timeline' });
    expect(chart.querySelectorAll('rect.sp-seg-agent')).toHaveLength(2);
    expect(chart.querySelectorAll('rect.sp-seg-caller')).toHaveLength(1);
    expect(screen.getByText(/playout buffer \(31 ms\) and audio pipeline \(40 ms/)).toBeTruthy();
  });
});
