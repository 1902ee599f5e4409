import { createAudioConverter, type AudioConverter } from '../../engine/src/media/convert.js';
import { ALAW8, PCM24K, SLIN16, SLIN8, ULAW8, type AudioFormat } from '../../engine/src/media/audio-format.js';
import { createResampler } from '../../engine/src/media/codecs/resampler.js';
import { pcm16ToUlaw, ulawToPcm16 } from '../../engine/src/media/codecs/g711.js';
import { createSineGenerator, maxSampleStep, pcm16Samples, rms, strongestTone } from '../../engine/src/media/signal.js';

const PCM48K: AudioFormat = { encoding: 'pcm16', sampleRate: 48000 };
const open: AudioConverter[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

async function conv(from: AudioFormat, to: AudioFormat): Promise<AudioConverter> {
  const c = await createAudioConverter(from, to);
  open.push(c);
  return c;
}

/** Feeds `input` through `c` in odd, varying chunk sizes (bytes). */
function feedOdd(c: AudioConverter, input: Buffer): Buffer {
  const sizes = [7, 333, 161, 1, 2000, 55, 318, 3];
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(c.convert(input.subarray(i, i + n)));
    i += n;
  }
  return Buffer.concat(out);
}

const pairs: Array<[AudioFormat, AudioFormat]> = [
  [SLIN8, SLIN16],
  [SLIN16, SLIN8],
  [SLIN8, PCM24K],
  [PCM24K, SLIN8],
  [SLIN16, PCM24K],
  [PCM24K, SLIN16],
  [SLIN8, PCM48K],
  [PCM48K, SLIN16],
];

describe('resampling in odd-sized chunks', () => {
  for (const [from, to] of pairs) {
    it(`${from.sampleRate} → ${to.sampleRate} Hz: a 440 Hz sine has no sample-to-sample jump above the sine's own slope`, async () => {
      const amp = 10000;
      const input = createSineGenerator(440, from.sampleRate, amp).next(from.sampleRate); // 1 s
      const out = feedOdd(await conv(from, to), input);
      const samples = out.length / 2;
      // Length follows the ratio (minus at most the filter latency held back).
      expect(samples).toBeGreaterThan(to.sampleRate * 0.97);
      expect(samples).toBeLessThanOrEqual(to.sampleRate);
      // The steepest slope of a sine is 2π·f/fs·A per sample; allow 10 % for filter ripple.
      const slope = ((2 * Math.PI * 440) / to.sampleRate) * amp;
      expect(maxSampleStep(out.subarray(64))).toBeLessThan(slope * 1.1);
      const tone = strongestTone(out.subarray(400), to.sampleRate, [220, 440, 880]);
      expect(tone.freqHz).toBe(440);
      expect(tone.amplitude).toBeGreaterThan(amp * 0.9);
    });
  }

  it('chunked and one-shot conversion give the same samples (state carries across chunks)', async () => {
    const input = createSineGenerator(1000, 8000, 9000).next(4000);
    const a = feedOdd(await conv(SLIN8, PCM24K), input);
    const b = (await conv(SLIN8, PCM24K)).convert(input);
    expect(a.equals(b)).toBe(true);
  });

  it('downsampling is band-limited: a 6 kHz tone at 24 kHz is removed when going to 8 kHz', async () => {
    const input = createSineGenerator(6000, 24000, 10000).next(24000);
    const out = (await conv(PCM24K, SLIN8)).convert(input);
    expect(rms(out.subarray(200))).toBeLessThan(100);
  });

  it('µ-law 8 kHz ⇄ pcm16 24 kHz both ways keeps the tone', async () => {
    const tone = createSineGenerator(700, 8000, 8000).next(8000);
    const ulaw = pcm16ToUlaw(tone);
    const up = feedOdd(await conv(ULAW8, PCM24K), ulaw);
    expect(strongestTone(up, 24000, [350, 700, 1400]).freqHz).toBe(700);
    const down = feedOdd(await conv(PCM24K, ULAW8), up);
    expect(down.length).toBeGreaterThan(7700);
    const back = ulawToPcm16(down);
    expect(strongestTone(back, 8000, [350, 700, 1400]).freqHz).toBe(700);
    expect(maxSampleStep(back.subarray(200))).toBeLessThan(((2 * Math.PI * 700) / 8000) * 8000 * 1.15);
  });

  it('same rate, different encoding needs no resampler: A-law ↔ µ-law ↔ pcm16', async () => {
    const pcm = createSineGenerator(500, 8000, 5000).next(800);
    const u = (await conv(SLIN8, ULAW8)).convert(pcm);
    expect(u).toEqual(pcm16ToUlaw(pcm));
    const a = (await conv(ULAW8, ALAW8)).convert(u);
    expect(a.length).toBe(800);
    const back = (await conv(ALAW8, SLIN8)).convert(a);
    expect(strongestTone(back, 8000, [250, 500, 1000]).freqHz).toBe(500);
  });

  it('identical formats pass buffers through untouched', async () => {
    const c = await conv(SLIN16, SLIN16);
    const b = Buffer.from([1, 2, 3, 4]);
    expect(c.convert(b)).toBe(b);
  });

  it('an odd trailing byte is carried into the next chunk', async () => {
    const pcm = createSineGenerator(300, 8000, 4000).next(160);
    const c = await conv(SLIN8, ULAW8);
    const out = Buffer.concat([c.convert(pcm.subarray(0, 101)), c.convert(pcm.subarray(101))]);
    expect(out).toEqual(pcm16ToUlaw(pcm));
  });

  it('rejects unsupported rates and use after close with clear errors', async () => {
    await expect(createResampler(8000, 500)).rejects.toThrow(/output rate 500 Hz is not supported/);
    const c = await createAudioConverter(SLIN8, SLIN16);
    c.close();
    expect(() => c.convert(Buffer.alloc(4))).toThrow(/pcm16@8000 → pcm16@16000: used after close/);
    expect(pcm16Samples(Buffer.alloc(4))).toHaveLength(2);
  });
});
