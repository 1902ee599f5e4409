/** Config pieces the integration scenarios share. */
import { join } from 'node:path';
import { configSchema, type AgentConfig } from '../../../engine/src/config/schema.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const TICKETS_SERVER = join(REPO_ROOT, 'test', 'fakes', 'mcp', 'tickets-server.ts');

/** `tools.mcp.<name>` for the stdio tickets server (a child: node --import tsx). */
export function ticketsOverStdio(env: Record<string, string> = {}): Record<string, unknown> {
  return { command: process.execPath, args: ['--import', 'tsx', TICKETS_SERVER], cwd: REPO_ROOT, env, timeout_ms: 20_000 };
}

/** A minimal valid config with the given extra sections (parsed, defaults applied). */
export function parsedConfig(over: Record<string, unknown>): AgentConfig {
  return configSchema.parse({ default_provider: 'echo', asterisk: { host: 'pbx', username: 'u' }, providers: { echo: { type: 'echo' } }, ...over });
}
