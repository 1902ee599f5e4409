import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ContextsPage } from '../../renderer/src/pages/ContextsPage';
import { SettingsPage } from '../../renderer/src/pages/SettingsPage';
import { CallDetailView } from '../../renderer/src/components/CallDetailView';
import type { CallDetail, DeadLetter, ToolCatalogView } from '../../renderer/src/api/contract';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { callSummary, configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  window.location.hash = '';
});

const catalog: ToolCatalogView = {
  tools: [
    { name: 'transfer', kind: 'builtin', description: 'Transfer the caller' },
    { name: 'hangup', kind: 'builtin', description: 'End the call' },
    { name: 'voicemail', kind: 'builtin', description: 'Send the caller to voicemail' },
    { name: 'lookup_order', kind: 'http', description: 'Look up an order by its number' },
    { name: 'tickets.*', kind: 'mcp', description: 'every tool of the MCP server "tickets"' },
    { name: 'tickets.create_ticket', kind: 'mcp', description: 'Open a support ticket' },
  ],
  mcpServers: [
    { name: 'tickets', transport: 'stdio', state: 'ready', tools: [{ name: 'create_ticket', description: 'Open a support ticket' }] },
    { name: 'billing', transport: 'http', state: 'failed', error: 'connect ECONNREFUSED 10.0.0.9:3000', tools: [] },
  ],
};

describe('Contexts page: tools and voicemail', () => {
  function engine() {
    const view = configView({ tools: ['transfer', 'hangup', 'voicemail', 'lookup_order', 'tickets.*', 'billing.*'], preCallLookup: true });
    return new FakeClient()
      .handle('config.get', () => view)
      .handle('tools.catalog', () => catalog)
      .handle('config.validateContext', ({ name, context }) =>
        context.voicemail?.mailbox === '2000,bad'
          ? { ok: false as const, issues: [{ path: `contexts.${name}.voicemail.mailbox`, message: 'use a mailbox such as 2000@default' }] }
          : { ok: true as const },
      )
      .handle('config.saveContext', () => ({ ok: true as const }));
  }

  it('offers built-in, HTTP and MCP tools with descriptions and server state; voicemail asks for its mailbox; save sends both', async () => {
    const client = engine();
    renderWithStores(<ContextsPage selected="support" />, client);
    const http = await screen.findByRole('group', { name: 'HTTP tools' });
    expect(within(http).getByText('Look up an order by its number')).toBeTruthy();
    const tickets = await screen.findByRole('group', { name: 'MCP server tickets' });
    expect(within(tickets).getByText('ready')).toBeTruthy();
    expect(within(screen.getByRole('group', { name: 'MCP server billing' })).getByText(/ECONNREFUSED 10\.0\.0\.9:3000/)).toBeTruthy();
    expect(screen.queryByLabelText('Voicemail mailbox')).toBeNull();

    fireEvent.click(within(http).getByRole('checkbox'));
    fireEvent.click(within(tickets).getAllByRole('checkbox')[1]!); // tickets.create_ticket
    fireEvent.click(within(screen.getByRole('group', { name: 'Built-in tools' })).getAllByRole('checkbox')[2]!); // voicemail
    const mailbox = (await screen.findByLabelText('Voicemail mailbox')) as HTMLInputElement;
    fireEvent.change(mailbox, { target: { value: '2000,bad' } });
    const issue = await screen.findByText((_t, el) => el?.tagName === 'LI' && el.textContent === 'contexts.support.voicemail.mailbox: use a mailbox such as 2000@default');
    expect(issue.closest('ul')?.id).toBe('ctx-voicemail-issues');
    expect(mailbox.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(mailbox, { target: { value: '2000@default' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('config.saveContext')).toHaveLength(1));
    expect(client.callsOf('config.saveContext')[0]).toEqual({
      name: 'support',
      context: { tools: ['lookup_order', 'tickets.create_ticket', 'voicemail'], voicemail: { mailbox: '2000@default', options: 'u' } },
    });
  });

  it('explains lookup variables instead of warning about them when a pre-call lookup is set', async () => {
    renderWithStores(<ContextsPage selected="sales" />, engine());
    const greeting = (await screen.findByLabelText('Greeting')) as HTMLTextAreaElement;
    fireEvent.change(greeting, { target: { value: 'Hello {customer_name|there}!' } });
    expect(await screen.findByText(/\{customer_name\} comes from the pre-call lookup/)).toBeTruthy();
  });
});

describe('Call page timeline', () => {
  it('interleaves what was said with each tool call (duration, error, redacted arguments and result) and shows the pre-call variables', () => {
    const t0 = Date.parse('2026-11-21T07:00:00.000Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const call: CallDetail = {
      ...callSummary({ id: 'c1', state: 'ended', endedAt: at(30), outcome: 'transferred', transferTarget: 'voicemail 2000@default' }),
      greeting: 'Hello Ada.',
      prompt: 'p',
      sources: { provider: 'default', context: 'channel_var', greeting: 'context', prompt: 'context', persona: 'default' },
      transcript: [
        { callId: 'c1', seq: 1, role: 'agent', text: 'Hello Ada.', at: at(1) },
        { callId: 'c1', seq: 2, role: 'caller', text: 'Where is order 17?', at: at(5) },
        { callId: 'c1', seq: 3, role: 'agent', text: 'It shipped.', at: at(9) },
      ],
      toolCalls: [
        { callId: 'c1', name: 'lookup_order', kind: 'http', args: { order_number: '17' }, result: { status: 200, body: { status: 'shipped', token: '[redacted]' } }, ok: true, at: at(6), durationMs: 2140 },
        { callId: 'c1', name: 'tickets.create_ticket', kind: 'mcp', args: { subject: 'x' }, result: { error: 'MCP server "tickets" is not available' }, ok: false, at: at(10), durationMs: 3, error: 'MCP server "tickets" is not available' },
      ],
      turnLatencies: [],
      preCall: { status: 'ok', variables: { customer_name: 'Ada', account_tier: 'gold' }, durationMs: 212, at: at(0) },
    };
    renderWithStores(<CallDetailView call={call} />);
    const items = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.who')?.textContent)).toEqual(['Agent', 'Caller', 'Tool', 'Agent', 'Tool']);
    expect(items[2]!.textContent).toContain('lookup_order');
    expect(items[2]!.textContent).toContain('2.14 s');
    expect(within(items[2]!).getByLabelText('Result of lookup_order').textContent).toContain('"token": "[redacted]"');
    expect(items[4]!.textContent).toContain('failed');
    expect(items[4]!.textContent).toContain('MCP server "tickets" is not available');
    const pre = screen.getByRole('region', { name: 'Pre-call lookup' });
    expect(within(pre).getByText('{customer_name}')).toBeTruthy();
    expect(within(pre).getByText('gold')).toBeTruthy();
  });
});

describe('Settings: post-call webhook dead letters', () => {
  it('lists failed deliveries and resends one', async () => {
    let dead: DeadLetter[] = [{ id: 7, callId: 'c0ffee00-1111', url: 'https://crm.example/calls', attempts: 10, lastStatus: 500, lastError: 'HTTP 500', createdAt: '2026-11-21T07:00:00.000Z' }];
    const client = new FakeClient()
      .handle('settings.get', () => ({ ari: { host: 'pbx', port: 8088, scheme: 'http' as const, username: 'u', appName: 'a', passwordSecret: 'ASTERISK_ARI_PASSWORD' }, audioTransport: 'audiosocket' as const, dataDir: '/d', secrets: [] }))
      .handle('webhooks.queue', () => ({ configured: true, pending: 0, delivered: 3, dead: dead.length, deadLetters: dead }))
      .handle('webhooks.resend', ({ id }) => {
        dead = dead.filter((d) => d.id !== id);
        return { ok: true as const };
      });
    renderWithStores(<SettingsPage />, client);
    const card = await screen.findByRole('region', { name: 'Post-call webhook' });
    const row = (await within(card).findByText('HTTP 500')).closest('tr')!;
    expect(row.textContent).toContain('c0ffee00');
    expect(within(card).getByText(/3 delivered · 0 waiting · 1 failed/)).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Resend' }));
    await waitFor(() => expect(client.callsOf('webhooks.resend')).toEqual([{ id: 7 }]));
    expect(await within(card).findByText('No failed deliveries.')).toBeTruthy();
    expect(within(card).getByText('Queued again: it is being sent now.')).toBeTruthy();
  });
});
