/**
 * What a crashed engine left on the PBX is reclaimed on the first ARI connect:
 * its bridges are destroyed even with callers inside, its media legs are hung
 * up, and callers sitting in our Stasis app that no call owns go back to the
 * dialplan after Stasis() (orphaned_calls: continue) or are hung up
 * (orphaned_calls: hangup). Another app's bridges and callers, and bridges
 * that are not ours, are left alone. /health and the metrics say what happened.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, until, silence, tonePower } from '../support/calls-harness.js';
import type { FakeAsterisk } from '../fakes/asterisk/index.js';
import type { FakeChannel } from '../fakes/asterisk/model.js';

const APP = 'asterisk-ai-voice-agent';
const DEAD_A = '00000000-dead-4eef-8000-00000000000a';
const DEAD_B = '00000000-dead-4eef-8000-00000000000b';
const LEGACY = '00000000-dead-4eef-8000-00000000000c';
const OTHER = '11111111-2222-4333-8444-555555555555';

interface Seeded {
  fake: FakeAsterisk;
  bridged: FakeChannel;
  unbridged: FakeChannel;
  otherCaller: FakeChannel;
}

/** The PBX as a killed engine left it, plus another engine's live call and a foreign bridge. */
function seed(fake: FakeAsterisk): Seeded {
  const leg = (callId: string, app: string) => {
    const ch = fake.createChannel({ id: `aava-${callId}-media`, name: `UnicastRTP/127.0.0.1:1-${callId.slice(-4)}`, role: 'other' });
    fake.enterStasis(ch, app, []);
    return ch;
  };
  // a call in conversation: caller + RTP leg in our bridge (RTP legs outlive the engine)
  const a = fake.createBridge('mixing', `aava-${APP}-${DEAD_A}`);
  const bridged = fake.injectCall({ callerNumber: '500', audio: silence(100) }).channel;
  fake.addToBridge(a, bridged);
  fake.addToBridge(a, leg(DEAD_A, APP));
  // a call still in setup: its caller is in our app but in no bridge; the bridge is empty
  fake.createBridge('mixing', `aava-${APP}-${DEAD_B}`);
  const unbridged = fake.injectCall({ callerNumber: '501', audio: silence(100) }).channel;
  // a bridge of an engine version before the app prefix, holding only its leg
  fake.addToBridge(fake.createBridge('mixing', `aava-${LEGACY}`), leg(LEGACY, APP));
  // another engine (another Stasis app) on the same PBX, in a live call
  const other = fake.createBridge('mixing', `aava-another-app-${OTHER}`);
  const otherCaller = fake.injectCall({ app: 'another-app', callerNumber: '1' }).channel;
  fake.addToBridge(other, otherCaller);
  fake.addToBridge(other, leg(OTHER, 'another-app'));
  fake.createBridge('mixing', 'someone-elses-bridge');
  return { fake, bridged, unbridged, otherCaller };
}

describe('leftovers of a crashed engine', () => {
  it('are reclaimed on the first connect: bridges destroyed, legs hung up, callers back to the dialplan', async () => {
    let s: Seeded | undefined;
    const h = await startHarnessForTest({ beforeEngine: (fake) => (s = seed(fake)), service: { reconcileGraceMs: 100 } });
    const { fake } = h;
    await until(() => h.health().last_reconcile !== undefined, 'the first reconcile');

    expect([...fake.bridges.values()].map((b) => b.name).sort()).toEqual([`aava-another-app-${OTHER}`, 'someone-elses-bridge']);
    expect(fake.channels.has(`aava-${DEAD_A}-media`)).toBe(false);
    expect(fake.channels.has(`aava-${LEGACY}-media`)).toBe(false);
    expect(fake.channels.has(`aava-${OTHER}-media`)).toBe(true);
    // POST /continue without a target: the dialplan goes on right after Stasis() (priority 2 → 3)
    for (const c of [s!.bridged, s!.unbridged]) {
      expect(c.destroyed).toBe(false);
      expect(c.stasisApp).toBeUndefined();
      expect(c.continuedTo).toEqual({ context: 'from-ai-agent', extension: 's', priority: 3 });
    }
    const continues = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/continue'));
    expect(continues.map((r) => r.query)).toEqual([{}, {}]);
    expect(s!.otherCaller.stasisApp).toBe('another-app');
    expect(s!.otherCaller.bridgeId).toBeDefined();

    const report = h.health().last_reconcile!;
    expect(report).toMatchObject({ reconnect: false, reclaimed: { bridges: 3, media_legs: 2, callers: 2, calls: 0 } });
    expect(report.error).toBeUndefined();
    const metrics = await h.ctx.metrics.registry.getSingleMetricAsString('ai_agent_reclaimed_total');
    expect(metrics).toContain('ai_agent_reclaimed_total{kind="bridge"} 3');
    expect(metrics).toContain('ai_agent_reclaimed_total{kind="caller"} 2');
    expect(metrics).toContain('ai_agent_reclaimed_total{kind="media_leg"} 2');

    // The engine takes new calls normally, and its own bridge carries the app name.
    const caller = fake.injectCall({ callerNumber: '600', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeted');
    expect([...fake.bridges.values()].some((b) => b.name.startsWith(`aava-${APP}-`) && b.channels.includes(caller.id))).toBe(true);
    caller.hangup();
    await until(() => h.service.controller.active.length === 0, 'call ended');
  });

  it('hangs orphaned callers up when orphaned_calls is hangup', async () => {
    let s: Seeded | undefined;
    const h = await startHarnessForTest({
      beforeEngine: (fake) => (s = seed(fake)),
      config: (port) => baseConfig(port, { orphaned_calls: 'hangup' }),
      service: { reconcileGraceMs: 100 },
    });
    await until(() => h.health().last_reconcile !== undefined, 'the first reconcile');
    expect(s!.bridged.destroyed).toBe(true);
    expect(s!.unbridged.destroyed).toBe(true);
    expect(s!.bridged.continuedTo).toBeUndefined();
    expect(s!.otherCaller.destroyed).toBe(false);
    expect(h.health().last_reconcile!.reclaimed.callers).toBe(2);
  });
});
