import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { upsertContext, deleteContext } from '../../engine/src/config/edit-contexts.js';
import { parseConfigText } from '../../engine/src/config/load.js';

const shipped = readFileSync('config/examples/freepbx-contexts.yaml', 'utf8');
const lookup = () => undefined;

describe('context edits keep comments and key order', () => {
  it('changes a greeting in place', () => {
    const out = upsertContext(shipped, 'sales', { greeting: 'New sales hello', prompt: 'P', provider: 'openai_realtime', tools: ['transfer'], destination: '7001' });
    expect(out).toContain('# Example for a typical FreePBX office');
    expect(out).toContain('#   [from-ai-agent-sales]');
    expect(out).toContain('New sales hello');
    const keys = Object.keys(parseConfigText(out, 'x.yaml', lookup).config.contexts);
    expect(keys).toEqual(['default', 'sales', 'support', 'after_hours']);
    // Only the sales block changed: everything after it is byte-identical.
    const tail = (s: string) => s.slice(s.indexOf('  support:'));
    expect(tail(out)).toBe(tail(shipped));
  });

  it('writes multi-line prompts as block literals', () => {
    const out = upsertContext(shipped, 'billing', { prompt: 'line one\nline two', tools: [] });
    expect(out).toMatch(/billing:\n\s+prompt: \|-?\n\s+line one\n\s+line two/);
    expect(parseConfigText(out, 'x.yaml', lookup).config.contexts.billing?.prompt).toBe('line one\nline two');
  });

  it('renames a context without moving it', () => {
    const out = upsertContext(shipped, 'night', { greeting: 'closed', tools: ['hangup'] }, 'after_hours');
    const keys = Object.keys(parseConfigText(out, 'x.yaml', lookup).config.contexts);
    expect(keys).toEqual(['default', 'sales', 'support', 'night']);
  });

  it('deletes a context and nothing else', () => {
    const out = deleteContext(shipped, 'support');
    expect(Object.keys(parseConfigText(out, 'x.yaml', lookup).config.contexts)).toEqual(['default', 'sales', 'after_hours']);
    expect(out).toContain('# Custom Destination targets');
  });
});
