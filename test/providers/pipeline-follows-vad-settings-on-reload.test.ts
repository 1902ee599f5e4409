/**
 * Endpointing belongs to each call's voice activity, built from the config
 * snapshot the call started with: a reloaded `vad:` reaches the next call
 * without rebuilding any provider.
 */
import { describe, it, expect } from 'vitest';
import { ProviderRegistry } from '../../engine/src/providers/registry.js';
import { configSchema } from '../../engine/src/config/schema.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { FrameScheduler } from '../../engine/src/media/pacer.js';
import { SLIN8 } from '../../engine/src/media/audio-format.js';
import { speechLike } from '../../engine/src/media/signal.js';
import { CallerAudio } from '../../engine/src/calls/caller-audio.js';
import type { MediaLeg } from '../../engine/src/media/transport.js';

const base = {
  default_provider: 'local',
  asterisk: { host: 'h', username: 'u' },
  providers: { echo: { type: 'echo' } },
  pipelines: { local: { stt: { type: 'pocketsphinx' }, llm: { base_url: 'http://127.0.0.1:9/v1' }, tts: { type: 'flite' } } },
};

/** Ms from the last voiced frame to the end decision, for a call made with `raw` config, on a virtual clock. */
async function endWait(raw: Record<string, unknown>): Promise<number> {
  const cfg = configSchema.parse(raw);
  let now = 0;
  const sched = new FrameScheduler({ manual: true, now: () => now, gridMs: 0 });
  const leg = { wireFormat: SLIN8, clock: { now: () => now, alarm: (f: (n: number) => void) => sched.alarm(f) } } as unknown as MediaLeg;
  const reg = new ProviderRegistry({ log: silentLogger() });
  reg.update(cfg);
  const lease = reg.acquire('local');
  const caller = await CallerAudio.create(leg, lease.provider.capabilities(SLIN8), cfg, silentLogger());
  let end: { at: number; lastVoicedAt: number } | undefined;
  caller.voice.on((ev) => {
    if (ev.type === 'end') end = ev;
  });
  const speech = speechLike({ ms: 600, sampleRate: 8000 });
  for (let i = 0; i < speech.length; i += 320) {
    now += 20;
    sched.runDue(now);
    caller.voice.push(speech.subarray(i, i + 320), now, false);
  }
  for (let t = 0; t < 3000 && !end; t += 5) {
    now += 5;
    sched.runDue(now);
  }
  caller.close();
  lease.release();
  await reg.closeAll();
  if (!end) throw new Error('no end of speech');
  return end.at - end.lastVoicedAt;
}

describe('vad settings and reloads', () => {
  it('a vad change rebuilds no provider; the next call ends turns with the new end_silence_ms', async () => {
    const reg = new ProviderRegistry({ log: silentLogger() });
    reg.update(configSchema.parse(base));
    const a = reg.acquire('local');
    reg.update(configSchema.parse({ ...base, vad: { end_silence_ms: 900 } }));
    const b = reg.acquire('local');
    expect(b.provider).toBe(a.provider);
    for (const l of [a, b]) l.release();
    await reg.closeAll();

    expect(await endWait(base)).toBe(600);
    expect(await endWait({ ...base, vad: { end_silence_ms: 900 } })).toBe(900);
  });
});
