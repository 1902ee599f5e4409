/**
 * A shortened soak (the full 1,000 calls run in `npm run bench -- soak`):
 * calls in waves, ended by the caller, by the provider (hangup tool), by the
 * provider's socket dying, by a transfer, and by callers who hang up while
 * the ARI link is dropped or silently stalled. Nothing may be left: no
 * bridge, channel, media leg, port, socket, timer, live call or open row.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from './support/soak.js';

describe('soak: calls ended every way', () => {
  it('leaves nothing behind after 120 calls', async () => {
    const r = await runSoak({ calls: 120, wave: 20 });
    console.log(`[soak] ${r.calls} calls in ${r.durationMs} ms; RSS after the first 100 ${r.rssFirst100MiB} MiB, after all ${r.rssLast100MiB} MiB; endings ${JSON.stringify(r.endings)}; outcomes ${JSON.stringify(r.outcomes)}`);
    expect(Object.keys(r.endings).sort()).toEqual(['ari_drop', 'ari_stall', 'caller_hangup', 'provider_end', 'provider_error', 'transfer']);
    expect(r.left).toMatchObject({
      bridges: 0,
      channels: 0,
      mediaLegs: 0,
      liveCalls: 0,
      activeRows: 0,
      rows: 120,
      audiosocket: { legs: 0, pending: 0, sockets: 0, ports: 0 },
      rtp: { legs: 0, pending: 0, sockets: 0, ports: 0 },
      providerSockets: 0,
    });
    // The one timer created during the run that lives on: the keepalive of the ARI link opened after the last outage.
    expect(r.left.timersCreatedAndAlive).toBeLessThanOrEqual(1);
    expect(r.left.sockets.after).toBeLessThanOrEqual(r.left.sockets.before);
    expect(Object.keys(r.outcomes).sort()).toEqual(['agent_hangup', 'caller_hangup', 'error', 'transferred']);
  }, 120_000);
});
