/**
 * Provider-neutral tools. Providers turn ToolSpec into their wire shape and
 * hand calls back through SessionSink.callTool; the engine runs them. Every
 * tool (built-in, HTTP, MCP) is an EngineTool.
 */
import type { AgentConfig } from '../config/schema.js';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

/** What the call controller does once the agent's current utterance has played. */
export type AfterAction =
  | { action: 'transfer'; destination: string }
  | { action: 'hangup' }
  | { action: 'voicemail'; mailbox: string; options: string };

export interface ToolResult {
  ok: boolean;
  /** Sent back to the model. */
  output: Record<string, unknown>;
  /** Action the call controller performs after the current utterance drains. */
  after?: AfterAction;
}

export type { ToolKind } from '../api/integrations.js';

export interface ToolContext {
  callId: string;
  context: string;
  config: AgentConfig;
  /** Aborted when the tool's time is up or the call ends. */
  signal?: AbortSignal;
}

export interface EngineTool {
  /** The name the model calls (letters, digits, _ and -; at most 64). */
  readonly name: string;
  spec(config: AgentConfig): ToolSpec;
  run(args: unknown, ctx: ToolContext): ToolResult | Promise<ToolResult>;
}
