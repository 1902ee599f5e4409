/** The control-API handlers, /health contribution and metrics of the call service. */
import { writeFileSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startHarnessForTest, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';
import type { CallDetail, CallSummary, LatencyPoint } from '../../engine/src/api/calls.js';

describe('calls API, health and metrics', () => {
  it('lists, filters (incl. transcript text), details, latency points, health and counters', async () => {
    const h = await startHarnessForTest();
    const { fake, service } = h;
    const handlers = service.handlers!;
    const a = fake.injectCall({ callerName: 'Alice', callerNumber: '5551001', audio: concatPcm([silence(400), tone(950, 500), silence(100)]) });
    const b = fake.injectCall({ callerNumber: '5551002', vars: { AI_CONTEXT: 'sales' }, audio: silence(100) });
    await until(() => tonePower(a.received(), 950) > 300, 'echo for A', 8000);
    const active = (await handlers['calls.active']!(undefined)) as CallSummary[];
    expect(active.map((c) => c.callerNumber).sort()).toEqual(['5551001', '5551002']);

    const health = h.health();
    expect(health.ari_connected).toBe(true);
    expect(health.active_calls).toBe(2);
    expect(health.transports.audiosocket).toMatchObject({ listening: true, bind: expect.stringMatching(/^127\.0\.0\.1:\d+$/), advertise: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(health.providers.echo).toEqual({ ready: true, kind: 'provider', type: 'echo' });

    // API transfer of B (sales context allows transfer), API hangup of A
    const bId = active.find((c) => c.callerNumber === '5551002')!.id;
    await handlers['calls.transfer']!({ id: bId, destination: 'sales_queue' });
    await until(() => b.continuedTo, 'B transferred');
    await expect((async () => handlers['calls.transfer']!({ id: active.find((c) => c.callerNumber === '5551001')!.id, destination: 'nowhere' }))()).rejects.toMatchObject({ code: 'bad_request' });
    await handlers['calls.hangup']!({ id: active.find((c) => c.callerNumber === '5551001')!.id });
    await until(() => service.controller.active.length === 0, 'both ended');
    await expect((async () => handlers['calls.hangup']!({ id: 'nope' }))()).rejects.toMatchObject({ code: 'not_found' });

    const all = (await handlers['calls.list']!({})) as CallSummary[];
    expect(all).toHaveLength(2);
    expect(((await handlers['calls.list']!({ outcome: 'transferred' })) as CallSummary[]).map((c) => c.callerNumber)).toEqual(['5551002']);
    expect(((await handlers['calls.list']!({ context: 'sales' })) as CallSummary[]).map((c) => c.callerNumber)).toEqual(['5551002']);
    expect(((await handlers['calls.list']!({ caller: 'Alic' })) as CallSummary[]).map((c) => c.callerNumber)).toEqual(['5551001']);
    // full text over transcripts: the echo provider writes "(N ms of speech)" for A only
    expect(((await handlers['calls.list']!({ text: 'speech' })) as CallSummary[]).map((c) => c.callerNumber)).toEqual(['5551001']);
    expect((await handlers['calls.list']!({ text: 'zebra' })) as CallSummary[]).toEqual([]);

    const aId = all.find((c) => c.callerNumber === '5551001')!.id;
    const d = (await handlers['calls.get']!({ id: aId })) as CallDetail;
    expect(d).toMatchObject({ outcome: 'agent_hangup', callerName: 'Alice', context: 'default', provider: 'echo', state: 'ended' });
    expect(d.sources.provider).toBe('default');
    expect(d.turnLatencies[0]).toMatchObject({ provider: 'echo', turn: 1 });
    const points = (await handlers['latency.points']!({ sinceMs: 0 })) as LatencyPoint[];
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points[0]!.provider).toBe('echo');
    expect(points[0]!.totalMs).toBeGreaterThanOrEqual(0);

    const metrics = await h.ctx.metrics.registry.metrics();
    expect(metrics).toMatch(/ai_agent_calls_total\{outcome="transferred"\} 1/);
    expect(metrics).toMatch(/ai_agent_calls_total\{outcome="agent_hangup"\} 1/);
    expect(metrics).toMatch(/ai_agent_active_calls 0/);
    expect(metrics).toMatch(/ai_agent_transport_rx_bytes_total\{transport="audiosocket"\} [1-9]/);
    expect(metrics).toMatch(/ai_agent_transport_tx_bytes_total\{transport="audiosocket"\} [1-9]/);
    expect(metrics).toMatch(/ai_agent_turn_latency_seconds_count\{provider="echo"\} [1-9]/);
    expect(h.events.map((e) => e.type)).toEqual(expect.arrayContaining(['call.started', 'call.updated', 'call.ended', 'call.transcript', 'call.turn']));
  });

  it('a call keeps the config it started with across a reload', async () => {
    const h = await startHarnessForTest();
    const { fake, service, ctx } = h;
    const first = fake.injectCall({ callerNumber: '1', audio: silence(100) });
    await until(() => tonePower(first.received(), 440) > 300, 'first call greeted at 440 Hz');
    const file = ctx.config.path;
    const cfg = parse(readFileSync(file, 'utf8')) as { providers: { echo: { tone_hz: number } } };
    cfg.providers.echo.tone_hz = 880;
    writeFileSync(file, stringify(cfg));
    ctx.config.reload();
    const second = fake.injectCall({ callerNumber: '2', audio: silence(100) });
    await until(() => tonePower(second.received(), 880) > 300, 'second call greeted at 880 Hz');
    const s1 = service.controller.active.find((s) => s.caller.id === first.id)!;
    expect(s1.config.providers.echo).toMatchObject({ tone_hz: 440 });
    expect(tonePower(second.received(), 880)).toBeGreaterThan(4 * tonePower(second.received(), 440));
  });
});
