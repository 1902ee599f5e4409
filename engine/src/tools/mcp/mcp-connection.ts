/**
 * One MCP server through the official SDK client: a stdio child process
 * (`command` + `args`) or a Streamable HTTP endpoint (`url`). Connects,
 * reads the tool list (all pages), calls tools with a timeout, closes.
 * The child's stderr goes to the debug log, never to the engine's stderr.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { z } from 'zod';
import type { mcpServerSchema } from '../../config/integrations-schema.js';
import type { Logger } from '../../observability/logger.js';
import type { ToolResult } from '../tool.js';
import { truncateUtf8 } from '../../util/http-body.js';

export type McpServerConfig = z.infer<typeof mcpServerSchema>;

export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type McpState = 'connecting' | 'ready' | 'failed' | 'closed';

const CLIENT_INFO = { name: 'aava-desktop', version: '0.1.0' };
const MAX_PAGES = 20;

interface CallResult {
  content?: Array<{ type: string; text?: string; [k: string]: unknown }>;
  structuredContent?: unknown;
  isError?: boolean;
}

/** A tool result as the model sees it: the text parts (or structured content), cut to size. */
function mcpOutput(r: CallResult, maxBytes: number): ToolResult {
  const texts = (r.content ?? []).map((c) => (c.type === 'text' ? (c.text ?? '') : `[${c.type} content]`));
  const text = r.structuredContent !== undefined && !texts.length ? JSON.stringify(r.structuredContent) : texts.join('\n');
  const cut = truncateUtf8(text, maxBytes);
  const body = { ...(cut.truncated ? { truncated: true } : {}) };
  if (r.isError) return { ok: false, output: { error: cut.text || 'the MCP tool reported an error', ...body } };
  return { ok: true, output: { content: cut.text, ...body } };
}

export class McpConnection {
  state: McpState = 'connecting';
  error: string | undefined;
  tools: McpToolInfo[] = [];
  private client: Client | undefined;

  constructor(
    readonly server: string,
    readonly cfg: McpServerConfig,
    private readonly log: Logger,
  ) {}

  get transportKind(): 'stdio' | 'http' {
    return this.cfg.command ? 'stdio' : 'http';
  }

  private transport(): Transport {
    if (this.cfg.command) {
      const t = new StdioClientTransport({ command: this.cfg.command, args: this.cfg.args, env: { ...getDefaultEnvironment(), ...this.cfg.env }, cwd: this.cfg.cwd, stderr: 'pipe' });
      t.stderr?.on('data', (d: Buffer) => this.log.debug({ mcpServer: this.server, stderr: d.toString('utf8').slice(0, 500) }, 'MCP server stderr'));
      return t;
    }
    return new StreamableHTTPClientTransport(new URL(this.cfg.url!), { requestInit: { headers: this.cfg.headers } });
  }

  /** Connects and reads the tool list; never throws (the state says how it went). */
  async connect(): Promise<void> {
    this.state = 'connecting';
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    client.onclose = () => {
      if (this.client !== client || this.state === 'closed') return;
      this.state = 'failed';
      this.error = 'the server closed the connection';
      this.log.warn({ mcpServer: this.server }, 'MCP server connection closed');
    };
    this.client = client;
    try {
      await client.connect(this.transport(), { timeout: this.cfg.timeout_ms });
      await this.refresh();
      this.state = 'ready';
      this.error = undefined;
      this.log.info({ mcpServer: this.server, tools: this.tools.map((t) => t.name) }, 'MCP server connected');
    } catch (err) {
      this.state = 'failed';
      this.error = (err as Error).message;
      this.log.warn({ mcpServer: this.server, err: this.error }, 'MCP server is not available');
      await client.close().catch(() => undefined);
    }
  }

  /** Reads the server's tool list again. */
  async refresh(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.cfg.timeout_ms });
      for (const t of r.tools) tools.push({ name: t.name, description: t.description ?? t.title ?? t.name, inputSchema: t.inputSchema as Record<string, unknown> });
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    this.tools = tools;
  }

  async call(name: string, args: unknown, signal?: AbortSignal): Promise<ToolResult> {
    if (this.state !== 'ready' || !this.client) return { ok: false, output: { error: `MCP server "${this.server}" is not available${this.error ? ` (${this.error})` : ''}` } };
    const a = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
    try {
      const r = (await this.client.callTool({ name, arguments: a }, undefined, { timeout: this.cfg.timeout_ms, signal })) as CallResult;
      return mcpOutput(r, this.cfg.max_response_bytes);
    } catch (err) {
      return { ok: false, output: { error: `MCP tool ${this.server}.${name} failed: ${(err as Error).message}` } };
    }
  }

  async close(): Promise<void> {
    this.state = 'closed';
    const c = this.client;
    this.client = undefined;
    await c?.close().catch(() => undefined);
  }
}
