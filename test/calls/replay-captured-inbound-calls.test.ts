/**
 * A real Asterisk 22 event stream (inbound-call-rtp.jsonl) played to the
 * engine: it takes the Local ;1 caller as the one call, reads AI_PROVIDER /
 * AI_CONTEXT and caller id from the channel, bridges it with its own media
 * leg, ignores the capture's own UnicastRTP leg and bridge, ignores global
 * ChannelVarset events without a channel, and closes the call on the
 * captured hangup.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, until } from '../support/calls-harness.js';
import { replayCapture } from '../fakes/asterisk/index.js';
import { hasFixtures, noticeIfMissing, readJsonl } from '../support/shared-fixtures.js';
import type { CallDetail } from '../../engine/src/api/calls.js';

noticeIfMissing();
const CAPTURES = [
  { file: 'inbound-call-rtp.jsonl', callerId: '1795243971.38', foreignLeg: '1795243971.40', transport: 'externalmedia' },
  { file: 'inbound-call-audiosocket.jsonl', callerId: '1795243691.5', foreignLeg: '1795243691.7', transport: 'audiosocket' },
] as const;

describe.skipIf(!hasFixtures)('replay of a captured inbound call', () => {
  it.each(CAPTURES)("$file yields one call with the capture's vars and caller id, closed as caller_hangup", async ({ file, callerId, foreignLeg, transport }) => {
    const h = await startHarnessForTest({
      config: (p) => {
        const c = baseConfig(p, { audio_transport: transport });
        // The capture's dialplan sets AI_PROVIDER=openai_realtime, AI_CONTEXT=demo: name an echo provider that way.
        (c.providers as Record<string, unknown>).openai_realtime = { type: 'echo', tone_ms: 200 };
        (c.contexts as Record<string, unknown>).demo = { greeting: 'Demo line', tools: [] };
        return c;
      },
    });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const events = [...readJsonl<Record<string, unknown>>('ari', 'events', 'global-varset-on-dialplan-reload.jsonl'), ...readJsonl<Record<string, unknown>>('ari', 'events', file)];

    const replay = replayCapture(fake, events as never, { maxGapMs: 40 });
    await until(() => service.controller.active.find((s) => s.conversation), 'call up during the replay', 8000);
    const session = service.controller.active[0]!;
    expect(service.controller.active).toHaveLength(1);
    expect(session.caller.id).toBe(callerId);
    expect(session.resolved).toMatchObject({ provider: 'openai_realtime', context: 'demo', greeting: 'Demo line' });
    expect(session.resolved!.sources).toMatchObject({ provider: 'channel_var', context: 'channel_var', greeting: 'context' });
    await replay;

    await until(() => service.controller.active.length === 0, 'call closed by the captured hangup', 5000);
    const d = (await service.handlers!['calls.get']!({ id: session.id })) as CallDetail;
    expect(d).toMatchObject({ channelId: callerId, callerName: 'Test Caller', callerNumber: '7175882255', outcome: 'caller_hangup', transport });
    // The engine touched only the caller and its own leg/bridge, never the capture's own media leg.
    const touched = fake.requests.filter((r) => r.path.includes(foreignLeg) || r.query.channel === foreignLeg);
    expect(touched).toEqual([]);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path === `/ari/channels/${callerId}/answer` && r.status === 204)).toBe(true);
    await until(() => fake.inspect().bridges === 0 && fake.inspect().mediaLegs === 0, 'own bridge and leg removed');
  });
});
