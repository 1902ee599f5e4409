/** The pure parts of the integrations: URL templates, secret masking, lookup variables, backoff, signatures, and the config's names and errors. */
import { createHmac } from 'node:crypto';
import { buildRequest, TemplateError } from '../../engine/src/tools/url-template.js';
import { headerSecrets, integrationSecrets, redact, REDACTED } from '../../engine/src/tools/redact.js';
import { truncateUtf8 } from '../../engine/src/util/http-body.js';
import { applyLookup, fillVariables, parseLookupReply, tidySpoken } from '../../engine/src/webhooks/call-variables.js';
import { backoffMs } from '../../engine/src/webhooks/delivery-queue.js';
import { signBody, webhookHeaders } from '../../engine/src/webhooks/signature.js';
import { mcpWireName } from '../../engine/src/tools/catalog.js';
import { parseConfigText, type ConfigError } from '../../engine/src/config/load.js';
import { stringify } from 'yaml';
import { parsedConfig } from './support/configs.js';

describe('URL templates', () => {
  it('encode each argument as one path segment and send the rest as query or JSON body', () => {
    expect(buildRequest('https://shop.example/orders/{order_number}', 'GET', { order_number: 'A 17/9' })).toEqual({ url: 'https://shop.example/orders/A%2017%2F9' });
    expect(buildRequest('https://shop.example/orders/{id}/items', 'GET', { id: 7, limit: 5, expand: true })).toEqual({ url: 'https://shop.example/orders/7/items?limit=5&expand=true' });
    expect(buildRequest('https://crm.example/tickets', 'POST', { subject: 'Printer', tags: ['hw'] })).toEqual({ url: 'https://crm.example/tickets', body: { subject: 'Printer', tags: ['hw'] } });
    expect(buildRequest('https://crm.example/c/{id}', 'PUT', { id: '../admin', note: 'x' })).toEqual({ url: 'https://crm.example/c/..%2Fadmin', body: { note: 'x' } });
    expect(buildRequest('https://x.example/s?q={q}', 'GET', { q: 'a&b=c' })).toEqual({ url: 'https://x.example/s?q=a%26b%3Dc' });
  });

  it('name the missing arguments', () => {
    expect(() => buildRequest('https://x.example/{a}/{b}', 'GET', { a: 1 })).toThrow(new TemplateError('missing argument b'));
    expect(() => buildRequest('https://x.example/{a}/{b}', 'GET', {})).toThrow('missing arguments a, b');
  });
});

describe('secrets', () => {
  it('header values (not public ones) and their bare credentials are secrets; webhook secrets too', () => {
    expect(headerSecrets({ Authorization: 'Bearer tok-123456', Accept: 'application/json', 'X-Api-Key': 'k-998877' })).toEqual(['Bearer tok-123456', 'tok-123456', 'k-998877']);
    const cfg = parsedConfig({
      webhooks: { pre_call: { url: 'https://crm.example/lookup', headers: { 'X-Key': 'pre-key-1' } }, post_call: { url: 'https://crm.example/calls', secret: 'whsec-1234' } },
      tools: { http: { t: { description: 'd', url: 'https://x.example', headers: { Authorization: 'Token abcd-ef' } } } },
    });
    expect(integrationSecrets(cfg).sort()).toEqual(['Token abcd-ef', 'abcd-ef', 'pre-key-1', 'whsec-1234'].sort());
  });

  it('masks secret values anywhere and sensitive keys entirely, without touching the rest', () => {
    const out = redact({ note: 'auth was Bearer tok-123456 ok', password: 'hunter2', nested: [{ api_key: 'x', n: 1 }], pin: '1234', keep: 'fine' }, ['Bearer tok-123456', 'tok-123456']);
    expect(out).toEqual({ note: `auth was ${REDACTED} ok`, password: REDACTED, nested: [{ api_key: REDACTED, n: 1 }], pin: REDACTED, keep: 'fine' });
  });

  it('cuts UTF-8 without splitting a character', () => {
    expect(truncateUtf8('ab€cd', 4)).toEqual({ text: 'ab', truncated: true, bytes: 7 });
    expect(truncateUtf8('abc', 4)).toEqual({ text: 'abc', truncated: false, bytes: 3 });
  });
});

describe('pre-call variables', () => {
  it('take flat values only, as text, with identifier keys', () => {
    expect(parseLookupReply({ customer_name: 'Ada  Lovelace', vip: true, orders: 3, address: { city: 'x' }, 'bad key': 'v', caller_name: 'spoof', none: null })).toEqual({
      variables: { customer_name: 'Ada Lovelace', vip: 'true', orders: '3' },
      ignored: ['address', 'bad key', 'caller_name', 'none'],
    });
    expect(parseLookupReply([1, 2])).toEqual({ variables: {}, ignored: [] });
  });

  it('fill the greeting (fallback or dropped) and the prompt (fallback or "unknown"); caller_* stay for resolveCall', () => {
    expect(fillVariables('Hi {customer_name|there}, {caller_name}!', { customer_name: 'Ada' }, '')).toBe('Hi Ada, {caller_name}!');
    expect(fillVariables('Hi {customer_name|there}!', {}, '')).toBe('Hi there!');
    expect(tidySpoken(fillVariables('Hello {customer_name}, welcome .', {}, ''))).toBe('Hello, welcome.');
    expect(applyLookup('Hello {customer_name}.', 'Tier: {tier}.', {})).toEqual({ greeting: 'Hello.', prompt: 'Tier: unknown.' });
    expect(applyLookup('Hi.', 'Be nice.', { tier: 'gold' }).prompt).toBe("Be nice.\n\nCaller details from the business's records: tier: gold");
  });
});

describe('webhook delivery', () => {
  it('signs the raw body with HMAC-SHA256', () => {
    const body = '{"call_id":"c1"}';
    expect(signBody(body, 'k')).toBe(`sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
    expect(webhookHeaders(body, '')).not.toHaveProperty('x-aava-signature');
  });

  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000, () => 0.5))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffMs(1, 1000, 5000, () => 0)).toBe(800);
    expect(backoffMs(1, 1000, 5000, () => 1)).toBe(1200);
  });
});

describe('MCP wire names', () => {
  it('are function-name safe, at most 64 characters and unique', () => {
    const taken = new Set<string>();
    expect(mcpWireName('tickets', 'create.ticket', taken)).toBe('tickets__create_ticket');
    expect(mcpWireName('tickets', 'create/ticket', taken)).toBe('tickets__create_ticket_2');
    expect(mcpWireName('t', 'x'.repeat(100), taken)).toHaveLength(64);
  });
});

describe('config: the issue names are the contract, errors name the YAML path', () => {
  const base = { default_provider: 'echo', asterisk: { host: 'pbx', username: 'u' }, providers: { echo: { type: 'echo' } } };
  const issues = (over: Record<string, unknown>) => {
    try {
      parseConfigText(stringify({ ...base, ...over }), 'ai-agent.yaml', () => undefined);
      return [];
    } catch (err) {
      return (err as ConfigError).issues;
    }
  };

  it('accepts the example from the issue', () => {
    expect(
      issues({
        webhooks: { pre_call: { url: 'https://crm.example/lookup', timeout_ms: 800 }, post_call: { url: 'https://crm.example/calls', secret: '${WEBHOOK_SECRET:-}' } },
        tools: {
          http: { lookup_order: { description: 'Look up an order by its number', url: 'https://shop.example/orders/{order_number}', method: 'GET', parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] }, timeout_ms: 3000 } },
          mcp: { tickets: { command: 'npx', args: ['-y', 'some-mcp-server'] } },
        },
        contexts: { support: { tools: ['transfer', 'hangup', 'voicemail', 'lookup_order', 'tickets.*'], voicemail: { mailbox: '2000@default' } } },
      }),
    ).toEqual([]);
  });

  it('names unknown tools, servers, missing mailboxes and bad shapes by path', () => {
    const got = issues({
      webhooks: { pre_call: { url: 'ftp://crm.example' } },
      tools: { http: { hangup: { description: 'x', url: 'https://x.example' }, bad: { url: 'nope' } }, mcp: { both: { command: 'x', url: 'https://y.example' }, 'a.b': { command: 'x' } } },
      contexts: { support: { tools: ['lookup', 'nosuch.*', 'voicemail'] }, vm: { tools: ['hangup'], voicemail: { mailbox: '2000,evil' } } },
    });
    const byPath = Object.fromEntries(got.map((i) => [i.path, i.message]));
    expect(byPath['webhooks.pre_call.url']).toMatch(/http:\/\/ or https:\/\//);
    expect(byPath['tools.http.bad.description']).toBeDefined();
    expect(byPath['tools.http.bad.url']).toMatch(/must be an http/);
    expect(byPath['tools.mcp.both']).toMatch(/either command .* or url/);
    expect(Object.keys(byPath).some((p) => p.startsWith('tools.mcp.a.b') || p === 'tools.mcp')).toBe(true);
    expect(byPath['contexts.support.tools.0']).toMatch(/"lookup" is not a tool \(have: transfer, hangup, voicemail, bad, both\.\*, a\.b\.\*\)/);
    expect(byPath['contexts.support.tools.1']).toMatch(/"nosuch\.\*" is not a tool/);
    expect(byPath['contexts.support.voicemail.mailbox']).toMatch(/needs a mailbox/);
    expect(byPath['contexts.vm.voicemail.mailbox']).toMatch(/2000@default/);
    expect(byPath['tools.http.hangup']).toMatch(/built-in tool/);
  });
});
