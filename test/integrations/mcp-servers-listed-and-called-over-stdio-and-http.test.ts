/**
 * MCP tools through the official SDK client: a tiny server (same SDK,
 * test/fakes/mcp) started over stdio as a child process and served over
 * Streamable HTTP; its tools are listed at start and on reload, `server.*`
 * selects all of them, and a call reaches the server and comes back.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpHub } from '../../engine/src/tools/mcp/mcp-hub.js';
import { buildToolbox } from '../../engine/src/tools/catalog.js';
import { ToolRunner } from '../../engine/src/tools/tool-runner.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import type { ToolCallRecord } from '../../engine/src/api/calls.js';
import { serveTicketsOverHttp } from '../fakes/mcp/tickets-server.js';
import { parsedConfig, ticketsOverStdio } from './support/configs.js';
import { startWithProvider, until } from '../support/calls-harness.js';
import { realtimeFake, utterance } from '../support/provider-fakes.js';

let dir: string;
let hub: McpHub | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aava-mcp-'));
});
afterEach(async () => {
  await hub?.closeAll();
  hub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : []);

describe('MCP servers', () => {
  it('a stdio server is listed at start, `tickets.*` offers all its tools, a call reaches it and its answer comes back; reload lists again', async () => {
    const log = join(dir, 'calls.jsonl');
    const cfg = parsedConfig({ tools: { mcp: { tickets: ticketsOverStdio({ TICKETS_LOG: log }) } }, contexts: { support: { tools: ['hangup', 'tickets.*'] } } });
    hub = new McpHub(silentLogger());
    await hub.update(cfg);
    expect(hub.status()).toMatchObject([{ name: 'tickets', transport: 'stdio', state: 'ready', tools: [{ name: 'create_ticket' }, { name: 'ticket_status' }] }]);

    const records: ToolCallRecord[] = [];
    const runner = new ToolRunner({ callId: 'c1', context: 'support', config: cfg, toolbox: buildToolbox(cfg, ['hangup', 'tickets.*'], hub), log: silentLogger(), record: (r) => records.push(r) });
    expect(runner.specs().map((s) => s.name)).toEqual(['hangup', 'tickets__create_ticket', 'tickets__ticket_status']);
    const spec = runner.specs().find((s) => s.name === 'tickets__create_ticket')!;
    expect(spec.parameters).toMatchObject({ type: 'object', properties: { subject: { type: 'string' } }, required: ['subject'] });

    const r = await runner.run('tickets__create_ticket', { subject: 'printer on fire', priority: 'high' });
    expect(r).toMatchObject({ ok: true, output: { content: expect.stringMatching(/^Ticket T-\d+ opened: printer on fire$/) } });
    expect(lines(log)).toEqual([{ tool: 'create_ticket', subject: 'printer on fire', priority: 'high' }]);
    const err = await runner.run('tickets__ticket_status', { id: 'T-404' });
    expect(err).toEqual({ ok: false, output: { error: 'No ticket T-404' } });
    expect(records.map((x) => [x.name, x.kind, x.ok])).toEqual([
      ['tickets.create_ticket', 'mcp', true],
      ['tickets.ticket_status', 'mcp', false],
    ]);
    runner.close();

    // Reload with changed settings: the server is started again and its new list read (escalate appears).
    const changed = parsedConfig({ tools: { mcp: { tickets: ticketsOverStdio({ TICKETS_LOG: log, TICKETS_EXTRA: '1' }) } } });
    await hub.update(changed);
    expect(hub.status()[0]!.tools.map((t) => t.name)).toEqual(['create_ticket', 'ticket_status', 'escalate']);
    // A single tool can be named instead of server.*.
    const one = buildToolbox(changed, ['tickets.escalate'], hub);
    expect(one.entries.map((e) => [e.name, e.wireName])).toEqual([['tickets.escalate', 'tickets__escalate']]);
    one.release();
  });

  it('a Streamable HTTP server (with a bearer header) is listed and called', async () => {
    const log = join(dir, 'http.jsonl');
    const http = await serveTicketsOverHttp({ logFile: log, token: 'mcp-token-77' });
    try {
      const cfg = parsedConfig({ tools: { mcp: { desk: { url: http.url, headers: { Authorization: 'Bearer mcp-token-77' } } } } });
      hub = new McpHub(silentLogger());
      await hub.update(cfg);
      expect(hub.status()).toMatchObject([{ name: 'desk', transport: 'http', state: 'ready', tools: [{ name: 'create_ticket' }, { name: 'ticket_status' }] }]);
      const runner = new ToolRunner({ callId: 'c2', context: 'default', config: cfg, toolbox: buildToolbox(cfg, ['desk.create_ticket'], hub), log: silentLogger(), record: () => undefined });
      expect(await runner.run('desk__create_ticket', { subject: 'VPN down' })).toMatchObject({ ok: true, output: { content: expect.stringContaining('opened: VPN down') } });
      expect(lines(log)).toEqual([{ tool: 'create_ticket', subject: 'VPN down' }]);
      runner.close();
    } finally {
      await hub?.closeAll();
      hub = undefined;
      await http.close();
    }
  });

  it('a server that cannot start is reported, and its tools answer with the reason instead of hanging the call', async () => {
    const cfg = parsedConfig({ tools: { mcp: { broken: { command: join(dir, 'no-such-binary'), timeout_ms: 2000 } } } });
    hub = new McpHub(silentLogger());
    await hub.update(cfg);
    expect(hub.status()).toMatchObject([{ name: 'broken', state: 'failed', error: expect.any(String), tools: [] }]);
    const box = buildToolbox(cfg, ['broken.*'], hub);
    expect(box.entries).toEqual([]);
    box.release();
  });
});

describe('MCP tools in a call', () => {
  it('the engine starts the stdio server, the Realtime model is offered tickets__* and its call reaches the server; a reload lists the new tools', async () => {
    const log = join(dir, 'call.jsonl');
    const { fake, provider } = await realtimeFake(
      {
        turns: [{ transcript: 'my printer is on fire', reply: { tool: { name: 'tickets__create_ticket', arguments: { subject: 'printer on fire' } } } }],
        afterTool: () => ({ text: 'Ticket opened.', audioMs: 300 }),
      },
      'sk-mcp',
    );
    const h = await startWithProvider('rt', provider, {
      tools: { transfer: { destinations: {} }, mcp: { tickets: ticketsOverStdio({ TICKETS_LOG: log }) } },
      contexts: { default: { tools: ['tickets.*'] } },
    });
    const catalog = () => h.service.handlers!['tools.catalog']!(undefined) as { mcpServers: { state: string; tools: { name: string }[] }[] };
    await until(() => catalog().mcpServers[0]?.state === 'ready', 'the MCP server was started and listed', 20_000);
    h.fake.injectCall({ callerNumber: '8001', audio: utterance(1500) });
    const tools = () => (fake.received('session.update')[0]?.session as { tools?: { name: string }[] } | undefined)?.tools?.map((t) => t.name);
    await until(() => tools(), 'session.update');
    expect(tools()).toEqual(['tickets__create_ticket', 'tickets__ticket_status']);
    await until(() => fake.toolOutputs().length > 0, 'the ticket result reached the model', 20_000);
    expect(JSON.parse(fake.toolOutputs()[0]!.output)).toEqual({ content: expect.stringMatching(/^Ticket T-\d+ opened: printer on fire$/) });
    expect(lines(log)).toEqual([{ tool: 'create_ticket', subject: 'printer on fire' }]);

    // Reload with the server's extra tool turned on: the list is read again.
    const file = join(h.dir, 'ai-agent.yaml');
    const doc = parse(readFileSync(file, 'utf8')) as { tools: { mcp: { tickets: { env: Record<string, string> } } } };
    doc.tools.mcp.tickets.env.TICKETS_EXTRA = '1';
    writeFileSync(file, stringify(doc));
    h.ctx.config.reload();
    await until(() => catalog().mcpServers[0]?.tools.some((t) => t.name === 'escalate'), 'the reloaded list', 20_000);
  });
});
