/** `hangup`: end the call after the agent's farewell has been heard. */
import type { EngineTool } from './tool.js';

export const hangupTool: EngineTool = {
  name: 'hangup',
  spec(config) {
    return {
      name: 'hangup',
      description: `End the call when the conversation is over. Say goodbye first (e.g. "${config.tools.hangup.farewell}"); the line is closed once you finish speaking.`,
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Why the call ends (for the call log)' } },
        additionalProperties: false,
      },
    };
  },
  run() {
    return { ok: true, output: { status: 'ending call' }, after: { action: 'hangup' } };
  },
};
