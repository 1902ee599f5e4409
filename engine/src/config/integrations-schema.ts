/**
 * Config of the agent's links to the business's own systems: pre- and
 * post-call webhooks, HTTP and MCP tools, the voicemail target, the filler
 * said while a tool runs, and a context's voicemail box. Names here are the
 * contract (docs/configuration.md); every error names the YAML path.
 */
import { z } from 'zod';

/** Tool names reach the model as function names: letters, digits, _ and -, at most 64. */
export const TOOL_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** MCP server names prefix their tools (`server.tool`, on the wire `server__tool`): no dots, no `__`. */
export const MCP_SERVER_RE = /^[A-Za-z](?:[A-Za-z0-9-]|_(?!_)){0,31}$/;
/** A VoiceMail() mailbox list: `2000`, `2000@default`, `2000@default&2001@sales` (nothing the dialplan would parse). */
const MAILBOX_RE = /^[A-Za-z0-9_*#+.-]+(@[A-Za-z0-9_-]+)?(&[A-Za-z0-9_*#+.-]+(@[A-Za-z0-9_-]+)?)*$/;
const BUILTIN_TOOL_NAMES = ['transfer', 'hangup', 'voicemail'] as const;

const httpUrl = (what: string) =>
  z.string().refine((v) => /^https?:\/\/[^\s/]+/i.test(v), `${what} must be an http:// or https:// URL`);
const optionalUrl = z.string().refine((v) => v === '' || /^https?:\/\/[^\s/]+/i.test(v), 'use an http:// or https:// URL, or leave it empty to turn this off');
const headers = z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid HTTP header name'), z.string()).default({});

export const preCallSchema = z
  .object({
    url: optionalUrl.default(''),
    /** The greeting never waits longer than this for the reply. */
    timeout_ms: z.number().int().min(50).max(10_000).default(800),
    headers,
    /** Optional: sign the request like the post-call webhook. */
    secret: z.string().default(''),
  })
  .strict();

export const postCallSchema = z
  .object({
    url: optionalUrl.default(''),
    /** X-AAVA-Signature: sha256=<hex HMAC-SHA256 of the raw body>; unsigned when empty. */
    secret: z.string().default(''),
    headers,
    timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
    /** Attempts before a document becomes a dead letter (Settings → Webhooks can resend it). */
    max_attempts: z.number().int().min(1).max(100).default(10),
    /** Backoff: retry_initial_ms doubling per attempt, capped at retry_max_ms. */
    retry_initial_ms: z.number().int().min(10).max(3_600_000).default(5000),
    retry_max_ms: z.number().int().min(10).max(86_400_000).default(600_000),
  })
  .strict();

export const webhooksSchema = z
  .object({ pre_call: preCallSchema.optional(), post_call: postCallSchema.optional() })
  .strict()
  .default({});

export const httpToolSchema = z
  .object({
    description: z.string().min(1, 'describe what the tool does (the model reads it)'),
    /** `{name}` placeholders are filled from the arguments (encoded); other arguments go to the query (GET/DELETE) or the JSON body. */
    url: httpUrl('url'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    parameters: z
      .record(z.string(), z.unknown())
      .refine((p) => p.type === 'object', 'parameters must be a JSON Schema with type: object')
      .default({ type: 'object', properties: {} }),
    /** May reference secrets (`Bearer ${CRM_TOKEN}`): their values never reach logs, the model or the call record. */
    headers,
    timeout_ms: z.number().int().min(100).max(60_000).default(3000),
    /** The response is cut to this many bytes before it goes back to the model. */
    max_response_bytes: z.number().int().min(256).max(200_000).default(4000),
  })
  .strict();

export const mcpServerSchema = z
  .object({
    /** stdio: the server process. */
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    /** Streamable HTTP: the server's endpoint. */
    url: httpUrl('url').optional(),
    headers,
    /** Connect, list and call timeout. */
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
    max_response_bytes: z.number().int().min(256).max(200_000).default(4000),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.command === !s.url) ctx.addIssue({ code: 'custom', message: 'set either command (+ args) for a stdio server or url for Streamable HTTP' });
  });

export const voicemailTargetSchema = z
  .object({
    /** Dialplan target the caller is sent to with ARI continue (the doctor checks it and can add it). */
    context: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('aava-voicemail'),
    extension: z.string().regex(/^[A-Za-z0-9_*#+-]+$/).default('s'),
    priority: z.number().int().min(1).default(1),
    /** Used by contexts that allow `voicemail` without a mailbox of their own. */
    mailbox: z.string().regex(MAILBOX_RE, 'use a mailbox such as 2000@default').optional(),
  })
  .strict();
export const VOICEMAIL_TARGET_DEFAULT = { context: 'aava-voicemail', extension: 's', priority: 1 };

export const fillerSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** A tool running longer than this gets the filler (once per tool call). */
    after_ms: z.number().int().min(100).max(10_000).default(1000),
    text: z.string().min(1).default('One moment.'),
  })
  .strict();
export const FILLER_DEFAULT = { enabled: true, after_ms: 1000, text: 'One moment.' };

export const contextVoicemailSchema = z
  .object({
    mailbox: z.string().regex(MAILBOX_RE, 'use a mailbox such as 2000@default (several: 2000@default&2001@default)'),
    /** VoiceMail() options: u (unavailable greeting), b (busy), s (skip instructions). */
    options: z.string().regex(/^[a-zA-Z]*$/, 'VoiceMail options are letters, e.g. u or su').default('u'),
  })
  .strict();

type Issue = { path: (string | number)[]; message: string };
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Names a context's `tools:` may list, from the raw config tree. */
export function selectableToolNames(raw: unknown): { builtin: string[]; http: string[]; mcpServers: string[] } {
  const tools = obj(obj(raw).tools);
  return { builtin: [...BUILTIN_TOOL_NAMES], http: Object.keys(obj(tools.http)), mcpServers: Object.keys(obj(tools.mcp)) };
}

/** Cross-references of tools, MCP servers and voicemail boxes (checked on the raw tree, like the provider names). */
export function toolReferenceIssues(raw: unknown): Issue[] {
  const out: Issue[] = [];
  const { builtin, http, mcpServers } = selectableToolNames(raw);
  for (const name of http) {
    if ((builtin as string[]).includes(name)) out.push({ path: ['tools', 'http', name], message: `"${name}" is a built-in tool; give the HTTP tool another name` });
  }
  const have = [...new Set([...builtin, ...http, ...mcpServers.map((s) => `${s}.*`)])].join(', ');
  const globalBox = obj(obj(obj(raw).tools).voicemail).mailbox;
  for (const [name, c] of Object.entries(obj(obj(raw).contexts))) {
    const ctx = obj(c);
    if (!Array.isArray(ctx.tools)) continue;
    ctx.tools.forEach((t, i) => {
      if (typeof t !== 'string') return;
      const dot = t.indexOf('.');
      const known = dot > 0 ? mcpServers.includes(t.slice(0, dot)) && t.length > dot + 1 : builtin.includes(t as never) || http.includes(t);
      if (!known) out.push({ path: ['contexts', name, 'tools', i], message: `"${t}" is not a tool (have: ${have})` });
    });
    if (ctx.tools.includes('voicemail') && !obj(ctx.voicemail).mailbox && !globalBox) {
      out.push({ path: ['contexts', name, 'voicemail', 'mailbox'], message: 'the voicemail tool needs a mailbox, e.g. voicemail: { mailbox: "2000@default" }' });
    }
  }
  return out;
}
