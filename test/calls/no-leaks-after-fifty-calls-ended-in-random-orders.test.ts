/**
 * 50 calls ended every way a call can end, at random moments (seeded):
 * afterwards no bridge, media leg, playback, socket, port, pending leg, call
 * or timer is left, and every call row is finalized with an outcome.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, tone, silence, concatPcm, until } from '../support/calls-harness.js';
import type { CallerHandle } from '../fakes/asterisk/index.js';
import { seededRandom as rng } from '../support/seeded.js';


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

type Ending = 'caller_early' | 'caller_late' | 'api_hangup' | 'dtmf_transfer' | 'dtmf_hangup' | 'leg_dies' | 'api_transfer';
const ENDINGS: Ending[] = ['caller_early', 'caller_late', 'api_hangup', 'dtmf_transfer', 'dtmf_hangup', 'leg_dies', 'api_transfer'];

describe('no leaks', () => {
  it('after 50 calls ended in random orders', async () => {
    const h = await startHarnessForTest({ fake: { legStasisOrder: 'random' } });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    await sleep(100);
    const baselineTimers = timers();
    const rand = rng(20261121);
    const ends: Record<string, number> = {};

    const one = async (i: number): Promise<void> => {
      const ending = ENDINGS[Math.floor(rand() * ENDINGS.length)]!;
      ends[ending] = (ends[ending] ?? 0) + 1;
      const caller: CallerHandle = fake.injectCall({ callerNumber: String(7000 + i), audio: concatPcm([silence(200), tone(900, 300), silence(100)]) });
      const delay = Math.floor(rand() * 400);
      if (ending === 'caller_early') {
        await sleep(delay / 8);
        caller.hangup();
        return;
      }
      await until(() => service.controller.active.find((s) => s.caller.id === caller.id)?.conversation, `call ${i} up`, 8000);
      await sleep(delay);
      const session = service.controller.active.find((s) => s.caller.id === caller.id);
      switch (ending) {
        case 'caller_late':
          caller.hangup();
          break;
        case 'api_hangup':
          if (session) await service.handlers!['calls.hangup']!({ id: session.id });
          break;
        case 'dtmf_transfer':
          await caller.dtmf('0');
          break;
        case 'dtmf_hangup':
          await caller.dtmf('#');
          break;
        case 'api_transfer':
          if (session) await service.handlers!['calls.transfer']!({ id: session.id, destination: 'sales_queue' });
          break;
        case 'leg_dies': {
          const leg = [...fake.channels.values()].find((c) => c.role === 'audiosocket' && c.bridgeId && fake.bridges.get(c.bridgeId)?.channels.includes(caller.id));
          if (leg) fake.hangupChannel(leg, { cause: 16 });
          break;
        }
      }
    };

    for (let wave = 0; wave < 5; wave++) await Promise.all(Array.from({ length: 10 }, (_, k) => one(wave * 10 + k)));
    await until(() => service.controller.active.length === 0, 'all calls ended', 15_000);

    // Transferred callers now run dialplan in the PBX: hang them up there.
    for (const ch of [...fake.channels.values()]) if (ch.role === 'caller') fake.hangupChannel(ch);
    await until(() => fake.inspect().channels === 0, 'no channels');
    const ins = fake.inspect();
    expect(ins).toEqual({ channels: 0, bridges: 0, playbacks: 0, mediaLegs: 0, callers: 0 });
    const t = service.transports().get('audiosocket')!;
    await until(() => t.stats().sockets === 0, 'sockets closed');
    expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });

    const rows = await service.handlers!['calls.list']!({ limit: 100 });
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.outcome && r.endedAt && r.state === 'ended')).toBe(true);
    const outcomes = new Set(rows.map((r) => r.outcome));
    expect(outcomes.has('caller_hangup') && outcomes.has('agent_hangup') && outcomes.has('transferred') && outcomes.has('error')).toBe(true);
    expect((await h.ctx.metrics.activeCalls.get()).values[0]?.value ?? 0).toBe(0);
    expect(Object.keys(ends).length).toBeGreaterThanOrEqual(6);

    await sleep(400);
    expect(timers()).toBeLessThanOrEqual(baselineTimers);
  });
});
