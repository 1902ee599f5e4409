/**
 * A tiny MCP server written with the official SDK, for the engine's MCP
 * client: `create_ticket` and `ticket_status` (plus `escalate` when
 * TICKETS_EXTRA=1). Run over stdio as a child (`node --import tsx
 * tickets-server.ts`), or served over Streamable HTTP in-process
 * (`serveTicketsOverHttp`). Each call is appended as a JSON line to
 * $TICKETS_LOG when set, so a test sees what reached the server.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

let opened = 0;

function log(entry: Record<string, unknown>, file = process.env.TICKETS_LOG): void {
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

export function ticketsServer(opts: { extra?: boolean; logFile?: string } = {}): McpServer {
  const s = new McpServer({ name: 'tickets', version: '1.0.0' });
  s.registerTool(
    'create_ticket',
    { description: 'Open a support ticket for the caller', inputSchema: { subject: z.string(), priority: z.enum(['low', 'high']).optional() } },
    async ({ subject, priority }) => {
      const id = `T-${++opened}`;
      log({ tool: 'create_ticket', subject, priority }, opts.logFile);
      return { content: [{ type: 'text', text: `Ticket ${id} opened: ${subject}` }] };
    },
  );
  s.registerTool('ticket_status', { description: 'Status of a ticket', inputSchema: { id: z.string() } }, async ({ id }) => {
    log({ tool: 'ticket_status', id }, opts.logFile);
    if (id === 'T-404') return { content: [{ type: 'text', text: `No ticket ${id}` }], isError: true };
    return { content: [{ type: 'text', text: `Ticket ${id} is open` }] };
  });
  if (opts.extra) {
    s.registerTool('escalate', { description: 'Escalate a ticket to a person', inputSchema: { id: z.string() } }, async ({ id }) => ({ content: [{ type: 'text', text: `Ticket ${id} escalated` }] }));
  }
  return s;
}

/** The same server over Streamable HTTP (stateless: one server per request) on 127.0.0.1:0. */
export async function serveTicketsOverHttp(opts: { logFile?: string; token?: string } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const http: Server = createServer((req, res) => {
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      res.writeHead(401).end();
      return;
    }
    const server = ticketsServer({ logFile: opts.logFile });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((r) => http.close(() => r())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = ticketsServer({ extra: process.env.TICKETS_EXTRA === '1' });
  await server.connect(new StdioServerTransport());
}
