/**
 * Whole calls over the WebSocket transport (chan_websocket, server mode)
 * against the fake Asterisk: the engine connects out to /media/<id> on the
 * PBX's HTTP server; nothing connects to the engine. The callers are quiet
 * (no frames while silent) as captured: the leg's inbound clock fills the
 * gaps, so the echo's end of turn comes on the wall clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';
import type { CallDetail } from '../../engine/src/api/calls.js';
import type { WebSocketTransport } from '../../engine/src/media/websocket/websocket-transport.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const fillFrames = async () => (await h!.ctx.metrics.inboundFills.get()).values.find((v) => v.labels.transport === 'websocket')?.value ?? 0;
const wsConfig = (over: Record<string, unknown> = {}) => (p: number) => baseConfig(p, { audio_transport: 'websocket', ...over });

describe('a full call over the WebSocket transport with the echo provider', () => {
  it('greets, echoes the caller, sees DTMF once, transfers after its reply was heard, and leaves nothing behind', async () => {
    h = await startHarness({ config: wsConfig() });
    const { fake, service } = h;
    const caller = fake.injectCall({ callerNumber: '7175882255', audio: concatPcm([silence(500), tone(1000, 600), silence(200)]) });

    await until(() => caller.answered, 'caller answered');
    await until(() => tonePower(caller.received(), 1000) > 300, 'echo of the caller tone', 8000);
    expect(tonePower(caller.received(), 440)).toBeGreaterThan(300);

    // the engine asked for server mode with JSON control messages and connected to the PBX
    const req = fake.requests.find((r) => r.path === '/ari/channels/externalMedia')!;
    expect(req.query).toMatchObject({ transport: 'websocket', encapsulation: 'none', connection_type: 'server', format: 'slin16', transport_data: 'f(json)' });
    expect(req.query.external_host).toBeUndefined();
    const peer = fake.websocketMedia.connected[0]!;
    expect(peer.commands.some((c) => c.text.startsWith('{"command":"MARK_MEDIA"'))).toBe(true);
    expect(peer.binaries.every((b) => b.bytes % 640 === 0)).toBe(true);
    // the caller sent only its tone (30 frames), nothing while silent; the engine's media clock made up the rest
    expect(peer.framesSent).toBeLessThanOrEqual(30);
    expect(await fillFrames()).toBeGreaterThan(10);

    const session = service.controller.active[0]!;
    await caller.dtmf('0');
    await until(() => caller.continuedTo, 'continue into the dialplan', 8000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '400', priority: 1 });
    // the transfer ran only after the caller had heard the whole acknowledgement (660 Hz tone)
    expect(tonePower(caller.received(), 660)).toBeGreaterThan(300);
    await until(() => h!.events.find((e) => e.type === 'call.ended'), 'call.ended');

    const detail = (await service.handlers!['calls.get']!({ id: session.id })) as CallDetail;
    expect(detail.outcome).toBe('transferred');
    expect(detail.transport).toBe('websocket');
    // DTMF_END on the media socket and ChannelDtmfReceived on ARI report the same key press once
    expect(detail.transcript.filter((l) => l.text === 'DTMF 0')).toHaveLength(1);
    expect(detail.turnLatencies[0]!.firstAudioMs).not.toBeNull();

    await until(() => fake.inspect().bridges === 0 && fake.inspect().mediaLegs === 0, 'bridge and leg gone');
    const t = service.transports().get('websocket') as WebSocketTransport;
    await until(() => t.stats().legs === 0 && t.stats().sockets === 0 && t.stats().pending === 0 && t.activeTimers() === 0, 'transport idle');
    expect(caller.gone).toBe(false);
    expect(peer.closedBy).toBe('asterisk');
  });

  it('a quiet caller (no frames, as captured) still gets the greeting and DTMF; the caller hanging up leaves the leg in the bridge until the engine ends it', async () => {
    h = await startHarness({ config: wsConfig() });
    const { fake } = h;
    const caller = fake.injectCall({ callerNumber: '100' });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting');
    const peer = fake.websocketMedia.connected[0]!;
    expect(peer.framesSent).toBe(0);
    await caller.dtmf('5');
    await until(() => h!.events.some((e) => e.type === 'call.transcript' && e.line.text === 'DTMF 5'), 'DTMF seen');
    caller.hangup();
    await until(() => h!.events.find((e) => e.type === 'call.ended'), 'call.ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('caller_hangup');
    await until(() => fake.inspect().channels === 0 && fake.inspect().bridges === 0, 'all channels and bridges gone');
    // the engine ended the leg with HANGUP; Asterisk closed with 1000
    expect(peer.commands.at(-1)?.text).toBe('{"command":"HANGUP"}');
    expect(peer.closeCode).toBe(1000);
    expect(h.health().active_calls).toBe(0);
  });

  it('plain-text control messages and µ-law work too, and AI_TRANSPORT=websocket picks the transport per call', async () => {
    h = await startHarness({ config: (p) => ({ ...baseConfig(p), websocket: { format: 'ulaw' } }), fake: { websocket: { jsonControl: false } } });
    const { fake } = h;
    const caller = fake.injectCall({ callerNumber: '161', vars: { AI_TRANSPORT: 'websocket' }, audio: concatPcm([silence(400), tone(1500, 500), silence(100)]) });
    await until(() => tonePower(caller.received(), 1500) > 300, 'echo over µ-law', 8000);
    const req = fake.requests.find((r) => r.path === '/ari/channels/externalMedia')!;
    expect(req.query.format).toBe('ulaw');
    const peer = fake.websocketMedia.connected[0]!;
    expect(peer.frameBytes).toBe(160);
    // a chan_websocket without JSON control messages refused f(json): the engine retried without it and speaks plain text
    expect(peer.commands.some((c) => /^MARK_MEDIA aava-/.test(c.text))).toBe(true);
    caller.hangup();
    await until(() => fake.inspect().channels === 0, 'cleanup');
  });

  it('reads MEDIA_WEBSOCKET_CONNECTION_ID as a channel variable when the externalMedia response lacks it', async () => {
    h = await startHarness({ config: wsConfig(), fake: { websocket: { varsInResponse: false } } });
    const caller = h.fake.injectCall({ callerNumber: '162' });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting over the leg');
    const get = h.fake.requests.find((r) => r.path.endsWith('/variable') && r.query.variable === 'MEDIA_WEBSOCKET_CONNECTION_ID');
    expect(get?.status).toBe(200);
    caller.hangup();
    await until(() => h!.fake.inspect().channels === 0, 'cleanup');
  });
});
