/**
 * A shortened soak (the full 1,000 calls run in `npm run bench -- soak`):
 * calls in waves, ended by the caller, by the provider (hangup tool), by the
 * provider's socket dying (and its one reconnect), by a transfer, by the voicemail tool, and by
 * callers who hang up while the ARI link is dropped or silently stalled, each
 * with a pre-call lookup and a post-call webhook. Nothing may be left: no
 * bridge, channel, media leg, port, socket, timer, live call or open row.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from './support/soak.js';

describe('soak: calls ended every way', () => {
  it('leaves nothing behind after 120 calls', async () => {
    const r = await runSoak({ calls: 120, wave: 20 });
    console.log(`[soak] ${r.calls} calls in ${r.durationMs} ms; RSS after the first 100 ${r.rssFirst100MiB} MiB, after all ${r.rssLast100MiB} MiB; endings ${JSON.stringify(r.endings)}; outcomes ${JSON.stringify(r.outcomes)}`);
    expect(Object.keys(r.endings).sort()).toEqual(['ari_drop', 'ari_stall', 'caller_hangup', 'provider_end', 'provider_error', 'transfer', 'voicemail']);
    // Dialplan exits (transfer, voicemail, on_provider_failure continue) put each caller where they say, and the
    // reconciles after the outages left those callers alone while they ran dialplan on the PBX.
    expect(r.exitsAstray).toBe(0);
    expect(r.reconcileReclaimedCallers).toBe(0);
    // Every call's pre-call result and post-call document went through the write-behind store.
    expect(r.integrations).toEqual({ preCallRows: 120, deliveries: 120, delivered: 120 });
    expect(r.left).toMatchObject({
      bridges: 0,
      channels: 0,
      mediaLegs: 0,
      liveCalls: 0,
      activeRows: 0,
      rows: 120,
      audiosocket: { legs: 0, pending: 0, sockets: 0, ports: 0 },
      rtp: { legs: 0, pending: 0, sockets: 0, ports: 0 },
      websocket: { legs: 0, pending: 0, sockets: 0, ports: 0 },
      providerSockets: 0,
    });
    // The timers created during the run that live on: the pings of the ARI link opened after the last outage, and
    // the post-call webhook queue's one next look (it replaces itself).
    expect(r.left.timersCreatedAndAlive).toBeLessThanOrEqual(2);
    expect(r.left.sockets.after).toBeLessThanOrEqual(r.left.sockets.before);
    expect(Object.keys(r.outcomes).sort()).toEqual(['agent_hangup', 'caller_hangup', 'provider_error', 'transferred']);
  }, 120_000);
});
