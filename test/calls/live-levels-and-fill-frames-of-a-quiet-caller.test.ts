/**
 * What the dashboard's meters and /metrics see of a live call: one
 * `calls.levels` event for all calls a few times a second (agent level while
 * the greeting plays, caller level while it speaks), and the inbound frames
 * the media clock synthesized while the caller's leg sent nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, tone, silence, until } from '../support/calls-harness.js';
import type { CallLevel } from '../../engine/src/api/calls.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const levelEvents = () => h!.events.flatMap((e) => (e.type === 'calls.levels' ? [{ at: e.at, levels: e.levels }] : []));
const fillFrames = async (transport: string) =>
  (await h!.ctx.metrics.inboundFills.get()).values.find((v) => v.labels.transport === transport)?.value ?? 0;

describe('live levels and synthesized inbound frames', () => {
  for (const transport of ['audiosocket', 'externalmedia', 'websocket'] as const) {
    it(`over ${transport}: levels of the greeting and of the caller, at most 5 events a second; silence is filled`, async () => {
      const cfg = (p: number) => {
        const c = baseConfig(p, { audio_transport: transport });
        (c.providers as Record<string, Record<string, unknown>>).echo!.tone_ms = 1200;
        return c;
      };
      h = await startHarness({ config: cfg });
      const caller = h.fake.injectCall({ callerNumber: '1400', audio: silence(200) });
      let id = '';
      await until(() => (id = h!.service.controller.active[0]?.id ?? '') !== '', 'call up');
      const mine = (): CallLevel[] => levelEvents().flatMap((e) => e.levels.filter((l) => l.callId === id));
      await until(() => mine().some((l) => l.agentDb > -40), 'the greeting shows on the agent meter', 10_000);
      caller.say(tone(1000, 800, 8000, 9000));
      await until(() => mine().some((l) => l.callerDb > -30), 'the caller shows on the caller meter', 10_000);
      const events = levelEvents();
      for (let i = 1; i < events.length; i++) expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(150);
      // The caller's leg sends nothing while it is silent: the media clock made up those frames.
      await until(async () => (await fillFrames(transport)) > 10, 'fill frames counted');
      caller.hangup();
      await until(() => h!.service.controller.active.length === 0, 'call ended');
      // One last event with no levels clears the meters, then nothing while idle.
      await until(() => levelEvents().at(-1)!.levels.length === 0, 'meters cleared');
    });
  }
});
