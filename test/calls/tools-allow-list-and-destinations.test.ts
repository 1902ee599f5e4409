import { describe, expect, it } from 'vitest';
import { runTool, toolSpecsFor } from '../../engine/src/tools/registry.js';
import { configSchema, type AgentConfig } from '../../engine/src/config/schema.js';

const config: AgentConfig = configSchema.parse({
  default_provider: 'echo',
  asterisk: { host: 'pbx', username: 'u' },
  providers: { echo: { type: 'echo' } },
  tools: { transfer: { destinations: { support: { type: 'ring_group', target: '600', description: 'Support team' } } } },
});
const ctx = { callId: 'c', context: 'sales', config };

describe('tools', () => {
  it('offers only the tools the context allows, with configured destinations', () => {
    expect(toolSpecsFor(config, ['hangup']).map((t) => t.name)).toEqual(['hangup']);
    const [transfer] = toolSpecsFor(config, ['transfer']);
    expect((transfer!.parameters as { properties: { destination: { enum: string[] } } }).properties.destination.enum).toEqual(['support']);
  });

  it('refuses tools outside the allow-list and unknown destinations', () => {
    expect(runTool('hangup', {}, ['transfer'], ctx)).toEqual({ ok: false, output: { error: 'tool "hangup" is not allowed in context "sales" (allowed: transfer)' } });
    expect(runTool('fly', {}, ['transfer'], ctx).ok).toBe(false);
    const bad = runTool('transfer', { destination: 'billing' }, ['transfer'], ctx);
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatchObject({ destinations: ['support'] });
  });

  it('transfer and hangup run after the utterance', () => {
    expect(runTool('transfer', { destination: 'support' }, ['transfer'], ctx)).toMatchObject({ ok: true, after: { action: 'transfer', destination: 'support' } });
    expect(runTool('hangup', { reason: 'done' }, ['hangup'], ctx)).toMatchObject({ ok: true, after: { action: 'hangup' } });
  });
});
