/**
 * The engine's HTTP server through real sockets: health endpoints, metrics,
 * the control API over HTTP and WebSocket, events, token protection.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../engine/src/engine.js';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import type { ApiEvent, WireResponse } from '../../engine/src/api/index.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';

const CONFIG = `# top comment kept
default_provider: echo
asterisk:
  host: 127.0.0.1
  port: 1
  username: u
providers:
  echo:
    type: echo
contexts:
  default:
    greeting: hi   # inline comment kept
    tools: [hangup]
`;

let running: RunningEngine;
let dir: string;
let engine: Engine;
let base: string;
const busEvents: ApiEvent[] = [];

async function api(method: string, args?: unknown, init: { token?: string; get?: boolean } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = init.get
    ? await fetch(`${base}/api/${method}${args ? `?args=${encodeURIComponent(JSON.stringify(args))}` : ''}`, { headers })
    : await fetch(`${base}/api/${method}`, { method: 'POST', headers, body: args === undefined ? '' : JSON.stringify(args) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string; issues?: unknown[] } } };
}

beforeAll(async () => {
  running = await startEngine({
    configText: CONFIG,
    prepare: (d) => {
      mkdirSync(join(d, 'dash'));
      writeFileSync(join(d, 'dash', 'index.html'), '<!doctype html><title>AAVA</title>');
      writeFileSync(join(d, 'secret.txt'), 'outside');
      return { dashboardDir: join(d, 'dash') };
    },
    extra: { services: [createSettingsService] },
    beforeStart: (e) => e.ctx.bus.subscribe((ev) => busEvents.push(ev)),
  });
  ({ engine, base, dir } = running);
});

afterAll(async () => {
  await running.stop();
});

describe('serve HTTP server', () => {
  it('/health is degraded without ARI; /ready is 503; /live is 200', async () => {
    const h = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    expect(h).toMatchObject({ status: 'degraded', ari_connected: false, active_calls: 0, secret_store: 'env' });
    expect(typeof h.uptime_seconds).toBe('number');
    expect(typeof h.config_loaded_at).toBe('string');
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    expect((await fetch(`${base}/live`)).status).toBe(200);
  });

  it('publishes health.changed on start and when health changes', async () => {
    const first = busEvents.find((e) => e.type === 'health.changed');
    expect(first).toMatchObject({ type: 'health.changed', health: { status: 'degraded', ari_connected: false } });
    const before = busEvents.filter((e) => e.type === 'health.changed').length;
    // A bad config file changes health (config_error): pushed without anyone asking.
    writeFileSync(join(dir, 'ai-agent.yaml'), CONFIG.replace('default_provider: echo', 'default_provider: nope'));
    await expect.poll(() => busEvents.filter((e) => e.type === 'health.changed').length, { timeout: 5000 }).toBeGreaterThan(before);
    const last = busEvents.filter((e) => e.type === 'health.changed').at(-1) as Extract<ApiEvent, { type: 'health.changed' }>;
    expect(last.health.config_error).toContain('default_provider: "nope"');
    writeFileSync(join(dir, 'ai-agent.yaml'), CONFIG);
    await expect.poll(() => engine.ctx.config.error(), { timeout: 5000 }).toBeUndefined();
  });

  it('/metrics exposes the ai_agent_* families', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const m of ['ai_agent_turn_latency_seconds', 'ai_agent_stt_latency_seconds', 'ai_agent_llm_latency_seconds', 'ai_agent_tts_latency_seconds', 'ai_agent_active_calls', 'ai_agent_calls_total', 'ai_agent_transport_rx_bytes_total', 'ai_agent_transport_tx_bytes_total']) {
      expect(text).toContain(`# TYPE ${m}`);
    }
  });

  it('queries over GET, commands over POST, arguments validated', async () => {
    const q = await api('config.get', undefined, { get: true });
    expect(q.status).toBe(200);
    expect((q.body.result as { contexts: { name: string }[] }).contexts.map((c) => c.name)).toEqual(['default']);
    expect((await api('config.saveContext', { name: 'x' }, { get: true })).status).toBe(405);
    const bad = await api('calls.get', { id: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/calls\.get: id:/);
    expect((await api('no.such')).status).toBe(404);
    const na = await api('recordings.syncNow');
    expect(na.status).toBe(501);
    expect(na.body.error?.code).toBe('not_available');
  });

  it('saving a context validates, keeps comments and emits config.reloaded over the WebSocket', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws`);
    const events: ApiEvent[] = [];
    const responses = new Map<number, WireResponse>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { event?: ApiEvent } & Partial<WireResponse>;
      if (m.event) events.push(m.event);
      else responses.set(m.id!, m as WireResponse);
    });
    await new Promise((r) => ws.once('open', r));
    const invalid = await api('config.saveContext', { name: 'sales', context: { provider: 'deepgrm', tools: [] } });
    expect(invalid.body.result).toEqual({ ok: false, issues: [{ path: 'contexts.sales.provider', message: '"deepgrm" is not a provider or pipeline (have: echo)' }] });
    expect(readFileSync(join(dir, 'ai-agent.yaml'), 'utf8')).toBe(CONFIG);

    ws.send(JSON.stringify({ id: 7, method: 'config.saveContext', args: { name: 'sales', context: { greeting: 'Sales here', provider: 'echo', tools: ['transfer'] } } }));
    await expect.poll(() => responses.get(7)).toBeTruthy();
    expect(responses.get(7)).toEqual({ id: 7, ok: true, result: { ok: true } });
    const text = readFileSync(join(dir, 'ai-agent.yaml'), 'utf8');
    expect(text).toContain('# top comment kept');
    expect(text).toContain('# inline comment kept');
    expect(text).toContain('greeting: Sales here');
    await expect.poll(() => events.some((e) => e.type === 'config.reloaded')).toBe(true);
    expect(engine.ctx.config.current().contexts.sales?.greeting).toBe('Sales here');
    ws.close();
  });

  it('serves the dashboard with a CSP and refuses path escapes', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${base}/history/call/1`)).text()).toContain('<title>AAVA</title>');
    expect((await fetch(`${base}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).toBe(404);
  });

  it('secrets are write-only: listed as set, never returned', async () => {
    await api('secrets.set', { name: 'OPENAI_API_KEY', value: 'sk-test-1234567890' });
    const list = await api('secrets.list', undefined, { get: true });
    expect(JSON.stringify(list.body)).not.toContain('sk-test-1234567890');
    expect(list.body.result).toContainEqual({ name: 'OPENAI_API_KEY', set: true, source: process.env.OPENAI_API_KEY ? 'env' : 'env' });
    expect((await api('secrets.set', { name: 'lower-case', value: 'x' })).status).toBe(400);
  });
});

describe('token protection', () => {
  it('refuses to bind beyond loopback without a token', () => {
    const d = mkdtempSync(join(tmpdir(), 'aava-tok-'));
    writeFileSync(join(d, 'c.yaml'), CONFIG);
    expect(() =>
      createEngine({ configPath: join(d, 'c.yaml'), dataDir: join(d, 'data'), secrets: new MemorySecretStore(), log: silentLogger(), http: { host: '0.0.0.0', port: 0 }, services: [createSettingsService], defaultMetrics: false }),
    ).toThrow(/set api\.token/);
    rmSync(d, { recursive: true, force: true });
  });

  it('with a token, API and WebSocket need it; health stays open', async () => {
    const withToken = await startEngine({ configText: `${CONFIG}api:\n  token: t0ken-abc\n`, extra: { services: [createSettingsService] } });
    const b = withToken.base;
    expect((await fetch(`${b}/api/config.get`)).status).toBe(401);
    expect((await fetch(`${b}/api/config.get`, { headers: { authorization: 'Bearer t0ken-abc' } })).status).toBe(200);
    expect((await fetch(`${b}/health`)).status).toBe(200);
    const denied = new WebSocket(`${b.replace('http', 'ws')}/api/ws`);
    await expect(new Promise((_r, j) => denied.once('error', j))).rejects.toThrow(/401/);
    const ok = new WebSocket(`${b.replace('http', 'ws')}/api/ws?token=t0ken-abc`);
    await new Promise((r) => ok.once('open', r));
    ok.close();
    await withToken.stop();
  });
});
