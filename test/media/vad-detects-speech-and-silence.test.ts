import { createVoiceActivityDetector, type VadOptions, type VoiceActivityDetector } from '../../engine/src/media/vad/vad.js';
import { silencePcm16, speechLike, whiteNoise } from '../../engine/src/media/signal.js';
import { synthesize } from '../../engine/src/speech/flite.js';

const open: VoiceActivityDetector[] = [];
afterEach(() => {
  for (const v of open.splice(0)) v.close();
});

async function vad(over: Partial<VadOptions> = {}): Promise<VoiceActivityDetector> {
  const v = await createVoiceActivityDetector({ sampleRate: 8000, aggressiveness: 2, energyThreshold: 400, minSpeechMs: 120, endSilenceMs: 600, ...over });
  open.push(v);
  return v;
}

/** Feeds `pcm` in chunks of `chunkBytes`; returns the ms offsets of speechStart / speechEnd. */
function run(v: VoiceActivityDetector, pcm: Buffer, sampleRate: number, chunkBytes = (sampleRate / 50) * 2): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < pcm.length; i += chunkBytes) {
    const r = v.push(pcm.subarray(i, i + chunkBytes));
    const endMs = (Math.min(i + chunkBytes, pcm.length) / 2 / sampleRate) * 1000;
    if (r.speechStart) starts.push(endMs);
    if (r.speechEnd) ends.push(endMs);
  }
  return { starts, ends };
}

describe('voice activity detection (WebRTC VAD + energy gate)', () => {
  it('silence never starts speech', async () => {
    const v = await vad();
    expect(run(v, silencePcm16(2000, 8000), 8000)).toEqual({ starts: [], ends: [] });
    expect(v.speaking).toBe(false);
  });

  it('noise below the energy threshold is not speech, whatever the VAD says', async () => {
    const v = await vad({ energyThreshold: 400 });
    expect(run(v, whiteNoise({ ms: 2000, sampleRate: 8000, amplitude: 500 }), 8000).starts).toEqual([]);
  });

  it('a speech-like burst gives one start after minSpeechMs and one end after endSilenceMs (±60 ms)', async () => {
    const v = await vad();
    const pcm = Buffer.concat([silencePcm16(1000, 8000), speechLike({ ms: 1500, sampleRate: 8000 }), silencePcm16(1500, 8000)]);
    const { starts, ends } = run(v, pcm, 8000);
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    expect(Math.abs(starts[0]! - (1000 + 120))).toBeLessThanOrEqual(60);
    expect(Math.abs(ends[0]! - (2500 + 600))).toBeLessThanOrEqual(60);
  });

  it('a burst shorter than minSpeechMs does not start speech', async () => {
    const v = await vad({ minSpeechMs: 200 });
    const pcm = Buffer.concat([silencePcm16(500, 8000), speechLike({ ms: 100, sampleRate: 8000 }), silencePcm16(500, 8000)]);
    expect(run(v, pcm, 8000).starts).toEqual([]);
  });

  it('odd chunk sizes give the same decisions as 20 ms frames', async () => {
    const pcm = Buffer.concat([silencePcm16(400, 8000), speechLike({ ms: 800, sampleRate: 8000 }), silencePcm16(900, 8000)]);
    const a = run(await vad(), pcm, 8000);
    const b = run(await vad(), pcm, 8000, 222);
    expect(b.starts).toHaveLength(1);
    expect(b.ends).toHaveLength(1);
    expect(Math.abs(b.starts[0]! - a.starts[0]!)).toBeLessThanOrEqual(20);
    expect(Math.abs(b.ends[0]! - a.ends[0]!)).toBeLessThanOrEqual(20);
  });

  it('works at 16 kHz on a flite-synthesised sentence', async () => {
    const tts = await synthesize('Hello, I would like to talk to somebody about my invoice, please.', { voice: 'kal16' });
    expect(tts.sampleRate).toBe(16000);
    const v = await vad({ sampleRate: 16000 });
    const pcm = Buffer.concat([silencePcm16(500, 16000), tts.pcm, silencePcm16(1500, 16000)]);
    const { starts, ends } = run(v, pcm, 16000);
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(starts[0]!).toBeGreaterThan(500);
    expect(starts[0]!).toBeLessThan(1200);
    expect(ends.length).toBe(starts.length);
    expect(v.speaking).toBe(false);
  });

  it('reset() forgets state; bad options and use after close fail clearly', async () => {
    const v = await vad({ minSpeechMs: 40 });
    run(v, speechLike({ ms: 300, sampleRate: 8000 }), 8000);
    expect(v.speaking).toBe(true);
    v.reset();
    expect(v.speaking).toBe(false);
    await expect(createVoiceActivityDetector({ sampleRate: 44100 as 8000, aggressiveness: 2, energyThreshold: 0, minSpeechMs: 0, endSilenceMs: 100 })).rejects.toThrow(/44100 Hz is not supported/);
    await expect(createVoiceActivityDetector({ sampleRate: 8000, aggressiveness: 5 as 3, energyThreshold: 0, minSpeechMs: 0, endSilenceMs: 100 })).rejects.toThrow(/webrtc_aggressiveness: 5/);
    const w = await createVoiceActivityDetector({ sampleRate: 8000, aggressiveness: 0, energyThreshold: 0, minSpeechMs: 0, endSilenceMs: 100 });
    w.close();
    expect(() => w.push(Buffer.alloc(320))).toThrow(/after close/);
  });
});
