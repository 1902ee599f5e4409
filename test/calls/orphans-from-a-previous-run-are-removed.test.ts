/** Bridges and media legs of ours left on the PBX by a crashed engine are removed when the engine connects. */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, until } from './harness.js';
import type { FakeAsterisk } from '../fakes/asterisk/index.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('orphans from a previous run', () => {
  it('are hung up / destroyed on connect, foreign ones are left alone', async () => {
    let seeded: FakeAsterisk | undefined;
    h = await startHarness({
      fake: {},
      beforeEngine: (fake) => {
        seeded = fake;
        // a crashed call: its bridge holds only its media leg (the caller is gone)
        const dead = fake.createBridge('mixing', 'aava-00000000-dead-beef-0000-000000000000');
        const leg = fake.createChannel({ id: 'aava-00000000-dead-beef-0000-000000000000-media', name: 'AudioSocket/127.0.0.1:1-x', role: 'other' });
        fake.enterStasis(leg, 'asterisk-ai-voice-agent', []);
        fake.addToBridge(dead, leg);
        // a live call of another engine on the same PBX: caller still in the bridge
        const other = fake.createBridge('mixing', 'aava-11111111-2222-3333-4444-555555555555');
        const caller = fake.injectCall({ app: 'another-app', callerNumber: '1' }).channel;
        const otherLeg = fake.createChannel({ id: 'aava-11111111-2222-3333-4444-555555555555-media', name: 'AudioSocket/127.0.0.1:2-y', role: 'other' });
        fake.enterStasis(otherLeg, 'another-app', []);
        fake.addToBridge(other, caller);
        fake.addToBridge(other, otherLeg);
        fake.createBridge('mixing', 'someone-elses-bridge');
      },
    });
    await until(() => seeded!.bridges.size === 2 && !seeded!.channels.has('aava-00000000-dead-beef-0000-000000000000-media'), 'orphans removed');
    expect([...seeded!.bridges.values()].map((b) => b.name).sort()).toEqual(['aava-11111111-2222-3333-4444-555555555555', 'someone-elses-bridge']);
    expect([...seeded!.channels.keys()]).not.toContain('aava-00000000-dead-beef-0000-000000000000-media');
    expect([...seeded!.channels.keys()]).toContain('aava-11111111-2222-3333-4444-555555555555-media');
  });
});
