/** Provider-neutral tools. Providers turn ToolSpec into their wire shape; the engine runs them. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ToolResult {
  ok: boolean;
  /** Sent back to the model. */
  output: Record<string, unknown>;
  /** Action the call controller performs after the current utterance drains. */
  after?: { action: 'transfer'; destination: string } | { action: 'hangup' };
}
