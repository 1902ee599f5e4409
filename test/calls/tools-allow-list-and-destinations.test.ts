import { describe, expect, it } from 'vitest';
import { buildToolbox } from '../../engine/src/tools/catalog.js';
import { ToolRunner } from '../../engine/src/tools/tool-runner.js';
import { configSchema, type AgentConfig } from '../../engine/src/config/schema.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import type { ToolCallRecord } from '../../engine/src/api/calls.js';

const config: AgentConfig = configSchema.parse({
  default_provider: 'echo',
  asterisk: { host: 'pbx', username: 'u' },
  providers: { echo: { type: 'echo' } },
  contexts: { sales: { tools: ['transfer'] } },
  tools: { transfer: { destinations: { support: { type: 'ring_group', target: '600', description: 'Support team' } } } },
});

function runner(allowed: string[]) {
  const records: ToolCallRecord[] = [];
  const r = new ToolRunner({ callId: 'c', context: 'sales', config, toolbox: buildToolbox(config, allowed), log: silentLogger(), record: (x) => records.push(x) });
  return { r, records };
}

describe('tools', () => {
  it('offers only the tools the context allows, with configured destinations', () => {
    expect(runner(['hangup']).r.specs().map((t) => t.name)).toEqual(['hangup']);
    const [transfer] = runner(['transfer']).r.specs();
    expect((transfer!.parameters as { properties: { destination: { enum: string[] } } }).properties.destination.enum).toEqual(['support']);
  });

  it('refuses tools outside the allow-list and unknown destinations, and records each refusal', async () => {
    const { r, records } = runner(['transfer']);
    expect(await r.run('hangup', {})).toEqual({ ok: false, output: { error: 'tool "hangup" is not allowed in context "sales" (allowed: transfer)' } });
    expect((await r.run('fly', {})).ok).toBe(false);
    const bad = await r.run('transfer', { destination: 'billing' });
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatchObject({ destinations: ['support'] });
    expect(records.map((x) => [x.name, x.ok, x.error])).toEqual([
      ['hangup', false, 'tool "hangup" is not allowed in context "sales" (allowed: transfer)'],
      ['fly', false, 'unknown tool "fly" (allowed: transfer)'],
      ['transfer', false, 'unknown destination "billing"'],
    ]);
  });

  it('transfer and hangup run after the utterance', async () => {
    expect(await runner(['transfer']).r.run('transfer', { destination: 'support' })).toMatchObject({ ok: true, after: { action: 'transfer', destination: 'support' } });
    expect(await runner(['hangup']).r.run('hangup', { reason: 'done' })).toMatchObject({ ok: true, after: { action: 'hangup' } });
  });
});
