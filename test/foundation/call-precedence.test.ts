import { describe, it, expect } from 'vitest';
import { resolveCall, type ChannelVars } from '../../engine/src/calls/resolve-call.js';
import { configSchema } from '../../engine/src/config/schema.js';

const config = configSchema.parse({
  default_provider: 'local_hybrid',
  asterisk: { host: 'pbx', username: 'u' },
  llm: { prompt: 'GLOBAL PROMPT', initial_greeting: 'GLOBAL GREETING' },
  contexts: {
    default: { greeting: 'DEFAULT CTX GREETING' },
    sales: { greeting: 'SALES GREETING {caller_name}', prompt: 'SALES PROMPT for {caller_name} at {caller_number}', provider: 'openai_realtime', tools: ['transfer'] },
    support: { prompt: 'SUPPORT PROMPT' },
    bare: {},
    broken_provider: { provider: 'deepgram' },
  },
  providers: {
    echo: { type: 'echo' },
    openai_realtime: { type: 'openai_realtime', greeting: 'OPENAI GREETING', prompt: 'OPENAI PROMPT' },
    deepgram: { type: 'deepgram' },
  },
  pipelines: {
    local_hybrid: { stt: { type: 'pocketsphinx' }, llm: {}, tts: { type: 'flite' }, greeting: 'HYBRID GREETING' },
  },
});

type Row = {
  name: string;
  vars: ChannelVars;
  provider: string;
  providerSource: string;
  context: string;
  greeting: string;
  greetingSource: string;
  prompt: RegExp;
  promptSource: string;
  warnings?: number;
};

const rows: Row[] = [
  { name: 'no variables: default_provider, default context greeting, global prompt', vars: {}, provider: 'local_hybrid', providerSource: 'default', context: 'default', greeting: 'DEFAULT CTX GREETING', greetingSource: 'context', prompt: /^GLOBAL PROMPT$/, promptSource: 'llm' },
  { name: 'AI_PROVIDER beats default_provider', vars: { AI_PROVIDER: 'deepgram' }, provider: 'deepgram', providerSource: 'channel_var', context: 'default', greeting: 'DEFAULT CTX GREETING', greetingSource: 'context', prompt: /^GLOBAL PROMPT$/, promptSource: 'llm' },
  { name: 'context provider beats default_provider', vars: { AI_CONTEXT: 'sales' }, provider: 'openai_realtime', providerSource: 'context', context: 'sales', greeting: 'SALES GREETING unknown caller', greetingSource: 'context', prompt: /^SALES PROMPT/, promptSource: 'context' },
  { name: 'AI_PROVIDER beats context provider', vars: { AI_CONTEXT: 'sales', AI_PROVIDER: 'echo' }, provider: 'echo', providerSource: 'channel_var', context: 'sales', greeting: 'SALES GREETING unknown caller', greetingSource: 'context', prompt: /^SALES PROMPT/, promptSource: 'context' },
  { name: 'context without greeting falls to provider default greeting', vars: { AI_CONTEXT: 'support', AI_PROVIDER: 'openai_realtime' }, provider: 'openai_realtime', providerSource: 'channel_var', context: 'support', greeting: 'OPENAI GREETING', greetingSource: 'provider', prompt: /^SUPPORT PROMPT$/, promptSource: 'context' },
  { name: 'context without prompt falls to provider default prompt', vars: { AI_CONTEXT: 'bare', AI_PROVIDER: 'openai_realtime' }, provider: 'openai_realtime', providerSource: 'channel_var', context: 'bare', greeting: 'OPENAI GREETING', greetingSource: 'provider', prompt: /^OPENAI PROMPT$/, promptSource: 'provider' },
  { name: 'pipeline default greeting used when context has none', vars: { AI_CONTEXT: 'bare' }, provider: 'local_hybrid', providerSource: 'default', context: 'bare', greeting: 'HYBRID GREETING', greetingSource: 'provider', prompt: /^GLOBAL PROMPT$/, promptSource: 'llm' },
  { name: 'no context/provider greeting falls to llm.initial_greeting', vars: { AI_CONTEXT: 'bare', AI_PROVIDER: 'deepgram' }, provider: 'deepgram', providerSource: 'channel_var', context: 'bare', greeting: 'GLOBAL GREETING', greetingSource: 'llm', prompt: /^GLOBAL PROMPT$/, promptSource: 'llm' },
  { name: 'AI_GREETING overrides everything', vars: { AI_CONTEXT: 'sales', AI_GREETING: 'Closed now.' }, provider: 'openai_realtime', providerSource: 'context', context: 'sales', greeting: 'Closed now.', greetingSource: 'channel_var', prompt: /^SALES PROMPT/, promptSource: 'context' },
  { name: 'AI_PERSONA overrides the prompt', vars: { AI_CONTEXT: 'sales', AI_PERSONA: 'You are a billing assistant.' }, provider: 'openai_realtime', providerSource: 'context', context: 'sales', greeting: 'SALES GREETING unknown caller', greetingSource: 'context', prompt: /^You are a billing assistant\./, promptSource: 'channel_var' },
  { name: 'unknown AI_CONTEXT falls back to default with a warning', vars: { AI_CONTEXT: 'nope' }, provider: 'local_hybrid', providerSource: 'default', context: 'default', greeting: 'DEFAULT CTX GREETING', greetingSource: 'context', prompt: /^GLOBAL PROMPT$/, promptSource: 'llm', warnings: 1 },
  { name: 'unknown AI_PROVIDER falls back to the context provider with a warning', vars: { AI_CONTEXT: 'sales', AI_PROVIDER: 'nope' }, provider: 'openai_realtime', providerSource: 'context', context: 'sales', greeting: 'SALES GREETING unknown caller', greetingSource: 'context', prompt: /^SALES PROMPT/, promptSource: 'context', warnings: 1 },
  { name: 'blank variables count as unset', vars: { AI_PROVIDER: '  ', AI_CONTEXT: '', AI_GREETING: ' ' }, provider: 'local_hybrid', providerSource: 'default', context: 'default', greeting: 'DEFAULT CTX GREETING', greetingSource: 'context', prompt: /^GLOBAL PROMPT$/, promptSource: 'llm' },
];

describe('resolveCall precedence', () => {
  it.each(rows)('$name', (row) => {
    const r = resolveCall(config, row.vars);
    expect(r.provider).toBe(row.provider);
    expect(r.sources.provider).toBe(row.providerSource);
    expect(r.context).toBe(row.context);
    expect(r.greeting).toBe(row.greeting);
    expect(r.sources.greeting).toBe(row.greetingSource);
    expect(r.prompt).toMatch(row.prompt);
    expect(r.sources.prompt).toBe(row.promptSource);
    expect(r.warnings).toHaveLength(row.warnings ?? 0);
  });

  it('fills {caller_name} and {caller_number} from CALLERID', () => {
    const r = resolveCall(config, { AI_CONTEXT: 'sales', callerName: 'Ada Lovelace', callerNumber: '7175882255' });
    expect(r.prompt).toBe('SALES PROMPT for Ada Lovelace at 7175882255');
    expect(r.greeting).toBe('SALES GREETING Ada Lovelace');
  });

  it('appends the caller id to prompts that do not template it', () => {
    const r = resolveCall(config, { callerName: 'Grace', callerNumber: '200' });
    expect(r.prompt).toBe('GLOBAL PROMPT\n\nCaller ID: Grace (200)');
  });

  it('reports the pipeline kind and the context tools', () => {
    expect(resolveCall(config, {}).providerKind).toBe('pipeline');
    const r = resolveCall(config, { AI_CONTEXT: 'sales' });
    expect(r.providerKind).toBe('provider');
    expect(r.tools).toEqual(['transfer']);
  });

  it('per-call transport override, with a warning for nonsense', () => {
    expect(resolveCall(config, { AI_TRANSPORT: 'externalmedia' }).transport).toBe('externalmedia');
    const bad = resolveCall(config, { AI_TRANSPORT: 'pigeon' });
    expect(bad.transport).toBe('audiosocket');
    expect(bad.warnings[0]).toContain('AI_TRANSPORT');
  });
});
