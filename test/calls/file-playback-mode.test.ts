/**
 * downstream_mode: file — agent audio becomes WAV files in media_dir, played
 * with ARI sound:ai-generated/<name> and deleted after PlaybackFinished; an
 * unwritable media_dir fails the call with a clear message.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, tone, silence, concatPcm, tonePower, activeSpans, until } from '../support/calls-harness.js';
import type { CallDetail } from '../../engine/src/api/calls.js';
import { speechLike } from '../../engine/src/media/signal.js';
import { pcmFromBytes } from '../fakes/asterisk/index.js';

let h: Harness | undefined;
let sounds: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (sounds) rmSync(sounds, { recursive: true, force: true });
  sounds = undefined;
});

describe('file playback mode', () => {
  it('plays the greeting and the echo as ARI sound files and deletes them afterwards', async () => {
    sounds = mkdtempSync(join(tmpdir(), 'aava-sounds-'));
    const mediaDir = join(sounds, 'ai-generated');
    h = await startHarness({ fake: { soundsDir: sounds }, config: (p) => baseConfig(p, { downstream_mode: 'file', media_dir: mediaDir }) });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerNumber: '900', audio: concatPcm([silence(600), tone(1100, 500), silence(200)]) });
    await until(() => caller.heard.length >= 1, 'greeting played as a file');
    expect(caller.heard[0]!.media).toMatch(/^sound:ai-generated\/aava-.+-1$/);
    expect(caller.heard[0]!.state).toBe('done');
    expect(tonePower(caller.received(), 440)).toBeGreaterThan(300);
    await until(() => caller.heard.length >= 2, 'echo played as a file', 8000);
    expect(tonePower(caller.received(), 1100)).toBeGreaterThan(300);
    await until(() => readdirSync(mediaDir).length === 0, 'files deleted after PlaybackFinished');
    caller.hangup();
    await until(() => fake.inspect().channels === 0 && fake.inspect().playbacks === 0, 'cleanup');
  });

  it('fails the call clearly when media_dir is not writable', async () => {
    // A parent that is a regular file: unusable even for root.
    sounds = mkdtempSync(join(tmpdir(), 'aava-sounds-'));
    const blocker = join(sounds, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const mediaDir = join(blocker, 'ai-generated');
    h = await startHarness({ config: (p) => baseConfig(p, { downstream_mode: 'file', media_dir: mediaDir }) });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerNumber: '901' });
    await until(() => caller.gone, 'call ended');
    const ended = await until(() => h!.events.find((e) => e.type === 'call.ended'), 'call.ended');
    if (ended.type !== 'call.ended') throw new Error('unexpected event');
    expect(ended.call.outcome).toBe('error');
    const d = (await service.handlers!['calls.get']!({ id: ended.call.id })) as CallDetail;
    expect(d.error).toContain(`media_dir "${mediaDir}" is not writable`);
  });
});

describe('file playback mode with barge-in', () => {
  it('stops the ARI playback when the caller talks over it', async () => {
    sounds = mkdtempSync(join(tmpdir(), 'aava-sounds-'));
    const mediaDir = join(sounds, 'ai-generated');
    h = await startHarness({
      fake: { soundsDir: sounds },
      config: (p) => {
        const c = baseConfig(p, { downstream_mode: 'file', media_dir: mediaDir, barge_in: { enabled: true, min_ms: 100, cooldown_ms: 500 } });
        (c.providers as Record<string, Record<string, unknown>>).echo!.tone_ms = 4000;
        return c;
      },
    });
    const speech = pcmFromBytes(speechLike({ ms: 700, sampleRate: 8000, amplitude: 7000 }));
    const caller = h.fake.injectCall({ callerNumber: '902', audio: concatPcm([silence(800), speech, silence(100)]) });
    await until(() => caller.heard.length >= 1, 'greeting playback ended', 8000);
    const stop = h.fake.requests.find((r) => r.method === 'DELETE' && r.path.startsWith('/ari/playbacks/aava-pb-'));
    expect(stop?.status).toBe(204);
    // well short of the 4 s greeting
    const toneMs = (activeSpans(caller.received(), 500).reduce((n, sp) => n + sp.end - sp.start, 0) / 8000) * 1000;
    expect(toneMs).toBeGreaterThan(0);
    expect(toneMs).toBeLessThan(2500);
    await until(() => readdirSync(mediaDir).every((f) => !f.endsWith('-1.wav')), 'greeting file deleted');
  });
});
