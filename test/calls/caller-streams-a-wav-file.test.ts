/** The fake's dialplan API streams a WAV file as the caller's voice; the echo provider plays it back. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';
import { encodeWav } from '../../engine/src/media/wav.js';
import { pcmToBytes, upsample2, readWavPcm8k } from '../fakes/asterisk/index.js';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = undefined;
  dir = undefined;
});

describe('caller streaming a WAV', () => {
  it('reads a 16 kHz WAV as 8 kHz and the caller hears it echoed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-wav-'));
    const wav = join(dir, 'hello.wav');
    const pcm8 = concatPcm([silence(300), tone(1250, 500), silence(300)]);
    writeFileSync(wav, encodeWav(pcmToBytes(upsample2(pcm8)), 16000));
    expect(readWavPcm8k(wav).length).toBe(pcm8.length);
    h = await startHarness();
    const caller = h.fake.injectCall({ callerNumber: '700', wav });
    await until(() => tonePower(caller.received(), 1250) > 300, 'echo of the WAV', 8000);
  });
});
