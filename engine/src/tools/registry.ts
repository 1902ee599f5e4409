/**
 * Provider-neutral tools and the per-context allow-list. A context's
 * `tools: [transfer, hangup]` decides what the model is offered and what the
 * engine will run; anything else is refused with a message the model can read.
 */
import type { AgentConfig } from '../config/schema.js';
import type { ToolResult, ToolSpec } from './tool.js';
import { transferTool } from './transfer.js';
import { hangupTool } from './hangup.js';

export interface ToolContext {
  callId: string;
  context: string;
  config: AgentConfig;
}

export interface EngineTool {
  readonly name: string;
  spec(config: AgentConfig): ToolSpec;
  run(args: unknown, ctx: ToolContext): ToolResult;
}

export const BUILTIN_TOOLS: readonly EngineTool[] = [transferTool, hangupTool];

export function toolByName(name: string): EngineTool | undefined {
  return BUILTIN_TOOLS.find((t) => t.name === name);
}

/** Specs offered to the provider for a call in a context with this allow-list. */
export function toolSpecsFor(config: AgentConfig, allowed: readonly string[]): ToolSpec[] {
  return BUILTIN_TOOLS.filter((t) => allowed.includes(t.name)).map((t) => t.spec(config));
}

/** Runs a tool if the context allows it; never throws. */
export function runTool(name: string, args: unknown, allowed: readonly string[], ctx: ToolContext): ToolResult {
  const tool = toolByName(name);
  if (!tool) return { ok: false, output: { error: `unknown tool "${name}"` } };
  if (!allowed.includes(name)) {
    return { ok: false, output: { error: `tool "${name}" is not allowed in context "${ctx.context}" (allowed: ${allowed.join(', ') || 'none'})` } };
  }
  try {
    return tool.run(args ?? {}, ctx);
  } catch (err) {
    return { ok: false, output: { error: `tool "${name}" failed: ${(err as Error).message}` } };
  }
}
