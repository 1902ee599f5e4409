import { z } from 'zod';
import { query, command, noArgs } from './define.js';
import type { TransportKind } from './calls.js';

/** A context as the editor sees it (values as written in the YAML, before ${ENV} expansion). */
export interface ContextView {
  name: string;
  greeting?: string;
  prompt?: string;
  provider?: string;
  tools: string[];
  /** Number/extension that reaches this context from a phone (softphone destinations). */
  destination?: string;
  /** Where the `voicemail` tool sends callers of this context. */
  voicemail?: { mailbox: string; options?: string };
  /** Where its calls go when the provider fails: `hangup`, `continue` or `transfer:<destination>` (absent: the global default). */
  failover?: string;
}

export interface ConfigView {
  path: string;
  loadedAt: string;
  defaultProvider: string;
  audioTransport: TransportKind;
  appName: string;
  contexts: ContextView[];
  /** Names of configured providers and pipelines, for select boxes. */
  providers: { name: string; kind: 'provider' | 'pipeline'; type: string }[];
  /** Names a context's tools may list: built-ins, HTTP tools, `server.*` per MCP server (tools.catalog adds each MCP tool). */
  tools: string[];
  /** Whether webhooks.pre_call is set: then `{name}` placeholders are filled from the lookup. */
  preCallLookup?: boolean;
  transferDestinations: { name: string; type: string; target: string }[];
  /** on_provider_failure.failover: where calls of contexts without their own failover go when the provider fails. */
  defaultFailover?: string;
  /** on_provider_failure's dialplan target of `continue` (context,extension,priority). */
  failoverContinueTo?: string;
}

export interface ConfigIssue {
  /** YAML path such as `contexts.sales.provider` */
  path: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; issues: ConfigIssue[] };

export const contextName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ and - only');

export const contextInput = z
  .object({
    greeting: z.string().max(4000).optional(),
    prompt: z.string().max(100_000).optional(),
    provider: z.string().max(64).optional(),
    tools: z.array(z.string().max(130)).max(64).default([]),
    destination: z.string().max(64).optional(),
    voicemail: z
      .object({ mailbox: z.string().min(1).max(128), options: z.string().max(16).optional() })
      .strict()
      .optional(),
    failover: z.string().max(80).optional(),
  })
  .strict();
export type ContextInput = z.input<typeof contextInput>;

export const configMethods = {
  'config.get': query<ConfigView>()(noArgs),
  'config.validateContext': query<ValidationResult>()(
    z.object({ name: contextName, context: contextInput }).strict(),
  ),
  'config.saveContext': command<ValidationResult>()(
    z.object({ name: contextName, renameFrom: contextName.optional(), context: contextInput }).strict(),
  ),
  'config.deleteContext': command<ValidationResult>()(z.object({ name: contextName }).strict()),
  'config.reload': command<ValidationResult>()(noArgs),
};
