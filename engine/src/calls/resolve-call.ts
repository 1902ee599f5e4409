/**
 * Call selection, as one pure function. Precedence (FreePBX guide §3.1):
 *   provider: AI_PROVIDER > context.provider > default_provider
 *   greeting: AI_GREETING > context.greeting > provider/pipeline greeting > llm.initial_greeting
 *   prompt:   AI_PERSONA > context.prompt > provider/pipeline prompt > llm.prompt
 * An unknown AI_CONTEXT falls back to `default` with a warning; an unknown
 * AI_PROVIDER falls back to the next rule with a warning.
 */
import type { AgentConfig } from '../config/schema.js';
import type { TransportKind, ValueSource } from '../api/calls.js';

export interface ChannelVars {
  AI_PROVIDER?: string;
  AI_CONTEXT?: string;
  AI_GREETING?: string;
  AI_PERSONA?: string;
  /** Optional per-call transport override: audiosocket | externalmedia | websocket */
  AI_TRANSPORT?: string;
  callerName?: string;
  callerNumber?: string;
}

export interface ResolvedCall {
  provider: string;
  providerKind: 'provider' | 'pipeline';
  context: string;
  greeting: string;
  prompt: string;
  tools: string[];
  transport: TransportKind;
  sources: Record<'provider' | 'context' | 'greeting' | 'prompt' | 'persona', ValueSource>;
  warnings: string[];
}

const clean = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

function fillTemplate(text: string, vars: ChannelVars): string {
  const values: Record<string, string> = {
    caller_name: clean(vars.callerName) ?? 'unknown caller',
    caller_number: clean(vars.callerNumber) ?? 'unknown number',
  };
  return text.replace(/\{(caller_name|caller_number)\}/g, (_m, k: string) => values[k] ?? '');
}

export function resolveCall(config: AgentConfig, vars: ChannelVars): ResolvedCall {
  const warnings: string[] = [];
  const isKnown = (name: string) => name in config.providers || name in config.pipelines;

  // Context
  let context = 'default';
  let contextSource: ValueSource = 'default';
  const askedContext = clean(vars.AI_CONTEXT);
  if (askedContext) {
    if (askedContext in config.contexts) {
      context = askedContext;
      contextSource = 'channel_var';
    } else {
      warnings.push(`AI_CONTEXT "${askedContext}" is not a configured context; using "default"`);
    }
  }
  const ctx = config.contexts[context];

  // Provider
  let provider = config.default_provider;
  let providerSource: ValueSource = 'default';
  if (ctx?.provider && isKnown(ctx.provider)) {
    provider = ctx.provider;
    providerSource = 'context';
  }
  const askedProvider = clean(vars.AI_PROVIDER);
  if (askedProvider) {
    if (isKnown(askedProvider)) {
      provider = askedProvider;
      providerSource = 'channel_var';
    } else {
      warnings.push(`AI_PROVIDER "${askedProvider}" is not a configured provider or pipeline; using "${provider}"`);
    }
  }
  const providerKind = provider in config.pipelines ? 'pipeline' : 'provider';
  const provDefaults = config.providers[provider] ?? config.pipelines[provider];

  // Greeting
  let greeting: string;
  let greetingSource: ValueSource;
  if (clean(vars.AI_GREETING)) {
    greeting = clean(vars.AI_GREETING)!;
    greetingSource = 'channel_var';
  } else if (ctx?.greeting) {
    greeting = ctx.greeting;
    greetingSource = 'context';
  } else if (provDefaults?.greeting) {
    greeting = provDefaults.greeting;
    greetingSource = 'provider';
  } else {
    greeting = config.llm.initial_greeting;
    greetingSource = 'llm';
  }

  // Prompt and persona
  let prompt: string;
  let promptSource: ValueSource;
  if (ctx?.prompt) {
    prompt = ctx.prompt;
    promptSource = 'context';
  } else if (provDefaults?.prompt) {
    prompt = provDefaults.prompt;
    promptSource = 'provider';
  } else {
    prompt = config.llm.prompt;
    promptSource = 'llm';
  }
  let personaSource: ValueSource = 'default';
  const persona = clean(vars.AI_PERSONA);
  if (persona) {
    prompt = persona;
    promptSource = 'channel_var';
    personaSource = 'channel_var';
  } else if (config.llm.persona) {
    prompt = `${config.llm.persona}\n\n${prompt}`;
    personaSource = 'llm';
  }

  const usesCallerVars = /\{caller_(name|number)\}/.test(prompt);
  prompt = fillTemplate(prompt, vars);
  const name = clean(vars.callerName);
  const num = clean(vars.callerNumber);
  if (!usesCallerVars && (name || num)) {
    prompt += `\n\nCaller ID: ${[name, num ? `(${num})` : undefined].filter(Boolean).join(' ')}`;
  }
  greeting = fillTemplate(greeting, vars);

  let transport = config.audio_transport;
  const askedTransport = clean(vars.AI_TRANSPORT);
  if (askedTransport) {
    if (askedTransport === 'audiosocket' || askedTransport === 'externalmedia' || askedTransport === 'websocket') transport = askedTransport;
    else warnings.push(`AI_TRANSPORT "${askedTransport}" is not audiosocket, externalmedia or websocket; using "${transport}"`);
  }

  return {
    provider,
    providerKind,
    context,
    greeting,
    prompt,
    tools: ctx?.tools ?? [],
    transport,
    sources: { provider: providerSource, context: contextSource, greeting: greetingSource, prompt: promptSource, persona: personaSource },
    warnings,
  };
}
