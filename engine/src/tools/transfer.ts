/**
 * `transfer`: send the caller to a configured destination (extension, queue
 * or ring group) — the call controller does POST /channels/{id}/continue into
 * the destination's context once the current utterance has drained.
 */
import type { AgentConfig } from '../config/schema.js';
import type { EngineTool } from './tool.js';

export const transferTool: EngineTool = {
  name: 'transfer',
  spec(config: AgentConfig) {
    const dests = config.tools.transfer.destinations;
    const names = Object.keys(dests);
    const listing = names.map((n) => `${n} (${dests[n]!.type}${dests[n]!.description ? `: ${dests[n]!.description}` : ''})`).join('; ');
    return {
      name: 'transfer',
      description: `Transfer the caller to a person, queue or ring group. Say a short sentence first; the transfer happens when you finish speaking. Destinations: ${listing || 'none configured'}.`,
      parameters: {
        type: 'object',
        properties: {
          destination: names.length ? { type: 'string', enum: names, description: 'Destination name' } : { type: 'string', description: 'Destination name' },
          reason: { type: 'string', description: 'Why the caller is transferred (for the call log)' },
        },
        required: ['destination'],
        additionalProperties: false,
      },
    };
  },
  run(args, ctx) {
    const a = (args && typeof args === 'object' ? args : {}) as { destination?: unknown };
    const name = typeof a.destination === 'string' ? a.destination.trim() : '';
    const dests = ctx.config.tools.transfer.destinations;
    const dest = dests[name];
    if (!dest) {
      return { ok: false, output: { error: `unknown destination "${name}"`, destinations: Object.keys(dests) } };
    }
    return {
      ok: true,
      output: { status: 'transferring', destination: name, type: dest.type, description: dest.description ?? null },
      after: { action: 'transfer', destination: name },
    };
  },
};
