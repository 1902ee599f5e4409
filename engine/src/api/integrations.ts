import { z } from 'zod';
import { query, command, noArgs } from './define.js';

/** Where a tool comes from. */
export type ToolKind = 'builtin' | 'http' | 'mcp';

/** The pre-call lookup of one call (webhooks.pre_call): its variables filled the greeting and prompt. */
export interface PreCallRecord {
  status: 'ok' | 'timeout' | 'error';
  /** Flat string values from the reply, e.g. { customer_name: "Ada" }. */
  variables: Record<string, string>;
  durationMs: number;
  error?: string;
  at: string;
}

/** A post-call document that was not accepted after every attempt. */
export interface DeadLetter {
  id: number;
  callId?: string;
  url: string;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: string;
}

export interface WebhookQueueView {
  /** Whether webhooks.post_call.url is set. */
  configured: boolean;
  pending: number;
  delivered: number;
  dead: number;
  deadLetters: DeadLetter[];
}

export interface McpServerView {
  name: string;
  transport: 'stdio' | 'http';
  state: 'connecting' | 'ready' | 'failed' | 'closed';
  error?: string;
  tools: { name: string; description: string }[];
}

export interface ToolCatalogView {
  /** Names a context's `tools:` may list (built-ins, HTTP tools, `server.*` and `server.tool`). */
  tools: { name: string; kind: ToolKind; description: string }[];
  mcpServers: McpServerView[];
}

export const integrationsMethods = {
  'webhooks.queue': query<WebhookQueueView>()(noArgs),
  'webhooks.resend': command<{ ok: true }>()(z.object({ id: z.number().int().min(1) }).strict()),
  'tools.catalog': query<ToolCatalogView>()(noArgs),
};
