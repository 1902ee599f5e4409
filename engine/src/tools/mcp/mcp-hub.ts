/**
 * Every configured MCP server (`tools.mcp.<server>`). Tool lists are read
 * when the engine starts and again on each config reload; a server whose
 * settings changed is replaced for new calls, and its old connection is
 * closed once the last call holding it ends (like provider leases).
 * Starting a server never blocks the engine: calls see what is ready.
 */
import type { AgentConfig } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import type { McpServerView } from '../../api/integrations.js';
import { RetiringLeases } from '../../util/retiring-leases.js';
import { McpConnection } from './mcp-connection.js';

interface Entry {
  json: string;
  conn: McpConnection;
  leases: number;
  retired: boolean;
  ready: Promise<void>;
}

export interface McpLease {
  conn: McpConnection;
  release(): void;
}

export class McpHub {
  private current = new Map<string, Entry>();
  private readonly leases = new RetiringLeases<Entry>(async (e) => {
    await e.ready.catch(() => undefined);
    await e.conn.close();
  });

  constructor(private readonly log: Logger) {}

  /** Applies the config; resolves when every server has connected or failed (callers need not wait). */
  update(config: AgentConfig): Promise<void> {
    const next = new Map<string, Entry>();
    const waits: Promise<void>[] = [];
    for (const [name, cfg] of Object.entries(config.tools.mcp)) {
      const json = JSON.stringify(cfg);
      const old = this.current.get(name);
      if (old && old.json === json) {
        next.set(name, old);
        // Reload: read the list again (a restarted or upgraded server may offer other tools).
        old.ready = old.ready.then(() => (old.conn.state === 'ready' ? old.conn.refresh() : old.conn.connect())).catch((err: Error) => {
          this.log.warn({ mcpServer: name, err: err.message }, 'MCP tool list could not be read again');
        });
        waits.push(old.ready);
        continue;
      }
      const conn = new McpConnection(name, cfg, this.log);
      const entry: Entry = { json, conn, leases: 0, retired: false, ready: conn.connect() };
      next.set(name, entry);
      waits.push(entry.ready);
    }
    for (const [name, old] of this.current) if (next.get(name) !== old) this.leases.retire(old);
    this.current = next;
    return Promise.all(waits).then(() => undefined);
  }

  /** The server's connection for one call, or undefined when it is not configured. */
  acquire(server: string): McpLease | undefined {
    const e = this.current.get(server);
    if (!e) return undefined;
    return { conn: e.conn, release: this.leases.take(e) };
  }

  status(): McpServerView[] {
    return [...this.current.entries()].map(([name, e]) => ({
      name,
      transport: e.conn.transportKind,
      state: e.conn.state,
      ...(e.conn.error ? { error: e.conn.error } : {}),
      tools: e.conn.tools.map((t) => ({ name: t.name, description: t.description })),
    }));
  }

  async closeAll(): Promise<void> {
    const live = [...this.current.values()];
    this.current.clear();
    await this.leases.closeAll(live);
  }
}
