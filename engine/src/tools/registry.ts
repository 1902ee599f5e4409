/**
 * The built-in tools (transfer, hangup, voicemail). HTTP and MCP tools come
 * from config and servers; tools/catalog.ts puts all of them together per
 * context.
 */
import type { EngineTool } from './tool.js';
import { transferTool } from './transfer.js';
import { hangupTool } from './hangup.js';
import { voicemailTool } from './voicemail.js';

export const BUILTIN_TOOLS: readonly EngineTool[] = [transferTool, hangupTool, voicemailTool];

export function builtinTool(name: string): EngineTool | undefined {
  return BUILTIN_TOOLS.find((t) => t.name === name);
}
