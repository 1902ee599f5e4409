/**
 * One call's tools: a context's allow-list (`[transfer, lookup_order,
 * tickets.*]`) expanded against the built-ins, `tools.http` and the MCP
 * servers' current tool lists. Each tool has the name the context lists
 * (`tickets.create_ticket`) and the name the model calls (letters, digits,
 * _ and -: `tickets__create_ticket`).
 */
import type { AgentConfig } from '../config/schema.js';
import type { ToolCatalogView } from '../api/integrations.js';
import type { EngineTool, ToolKind, ToolSpec } from './tool.js';
import { BUILTIN_TOOLS, builtinTool } from './registry.js';
import { createHttpTool } from './http-tool.js';
import type { McpHub, McpLease } from './mcp/mcp-hub.js';
import type { McpToolInfo } from './mcp/mcp-connection.js';

export interface ToolboxEntry {
  /** As the context lists it. */
  name: string;
  /** As the model calls it. */
  wireName: string;
  kind: ToolKind;
  tool: EngineTool;
}

export interface CallToolbox {
  readonly entries: readonly ToolboxEntry[];
  byWireName(name: string): ToolboxEntry | undefined;
  specs(config: AgentConfig): ToolSpec[];
  /** Frees the MCP connections this call holds. */
  release(): void;
}

const MAX_DESCRIPTION = 1000;

/** `tickets` + `create.ticket` → `tickets__create_ticket` (≤ 64 characters, unique within `taken`). */
export function mcpWireName(server: string, tool: string, taken: Set<string>): string {
  const base = `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 64 - String(i).length - 1)}_${i}`;
  taken.add(name);
  return name;
}

function mcpTool(wireName: string, server: string, info: McpToolInfo, lease: McpLease): EngineTool {
  const parameters = info.inputSchema?.type === 'object' ? info.inputSchema : { type: 'object', properties: {} };
  return {
    name: wireName,
    spec: () => ({ name: wireName, description: `${info.description} (${server})`.slice(0, MAX_DESCRIPTION), parameters }),
    run: (args, ctx) => lease.conn.call(info.name, args, ctx.signal),
  };
}

export function buildToolbox(config: AgentConfig, allowList: readonly string[], mcp?: McpHub): CallToolbox {
  const entries: ToolboxEntry[] = [];
  const taken = new Set<string>();
  const leases = new Map<string, McpLease>();
  const add = (e: ToolboxEntry) => {
    if (entries.some((x) => x.wireName === e.wireName)) return;
    taken.add(e.wireName);
    entries.push(e);
  };
  for (const item of allowList) {
    const dot = item.indexOf('.');
    if (dot < 0) {
      const builtin = builtinTool(item);
      if (builtin) add({ name: item, wireName: item, kind: 'builtin', tool: builtin });
      else if (config.tools.http[item]) add({ name: item, wireName: item, kind: 'http', tool: createHttpTool(item, config.tools.http[item]!) });
      continue;
    }
    const server = item.slice(0, dot);
    const wanted = item.slice(dot + 1);
    let lease = leases.get(server);
    if (!lease) {
      lease = mcp?.acquire(server);
      if (!lease) continue;
      leases.set(server, lease);
    }
    for (const info of lease.conn.tools) {
      if (wanted !== '*' && info.name !== wanted) continue;
      const name = `${server}.${info.name}`;
      if (entries.some((x) => x.name === name)) continue;
      const wire = mcpWireName(server, info.name, taken);
      add({ name, wireName: wire, kind: 'mcp', tool: mcpTool(wire, server, info, lease) });
    }
  }
  return {
    entries,
    byWireName: (n) => entries.find((e) => e.wireName === n),
    specs: (cfg) => entries.map((e) => e.tool.spec(cfg)),
    release: () => {
      for (const l of leases.values()) l.release();
      leases.clear();
    },
  };
}

/** What a context may list, with descriptions, and the MCP servers' state (for the Contexts page). */
export function catalogView(config: AgentConfig, mcp?: McpHub): ToolCatalogView {
  const servers = mcp?.status() ?? [];
  const tools: ToolCatalogView['tools'] = BUILTIN_TOOLS.map((t) => ({ name: t.name, kind: 'builtin' as const, description: t.spec(config).description }));
  for (const [name, t] of Object.entries(config.tools.http)) tools.push({ name, kind: 'http', description: t.description });
  for (const name of Object.keys(config.tools.mcp)) {
    const s = servers.find((x) => x.name === name);
    tools.push({ name: `${name}.*`, kind: 'mcp', description: `every tool of the MCP server "${name}"` });
    for (const t of s?.tools ?? []) tools.push({ name: `${name}.${t.name}`, kind: 'mcp', description: t.description });
  }
  return { tools, mcpServers: servers };
}
