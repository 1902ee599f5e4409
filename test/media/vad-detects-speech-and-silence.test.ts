/**
 * Voice classification (WebRTC VAD + energy gate) and the call's voice
 * activity on top of it: speech start after min_speech_ms, end decided on the
 * media clock at last voiced frame + end_silence_ms whether or not frames
 * arrive. Driven by a manual scheduler, so every time here is virtual.
 */
import { createEnergyClassifier, createVoiceClassifier, type ClassifierOptions, type VoiceClassifier } from '../../engine/src/media/vad/vad.js';
import { VoiceActivity, type VoiceEvent } from '../../engine/src/media/voice/voice-activity.js';
import { FrameScheduler } from '../../engine/src/media/pacer.js';
import { silencePcm16, speechLike, whiteNoise } from '../../engine/src/media/signal.js';
import { synthesize } from '../../engine/src/speech/flite.js';

const open: VoiceClassifier[] = [];
afterEach(() => {
  for (const v of open.splice(0)) v.close();
});

async function classifier(over: Partial<ClassifierOptions> = {}): Promise<VoiceClassifier> {
  const c = await createVoiceClassifier({ sampleRate: 8000, aggressiveness: 2, energyThreshold: 400, ...over });
  open.push(c);
  return c;
}

/** A voice activity on a virtual clock: `feed` pushes 20 ms frames one per 20 ms (or stops), `wait` lets time pass without frames. */
function rig(c: VoiceClassifier, sampleRate = 8000, o: { minSpeechMs?: number; sustainMs?: number; endSilenceMs?: number } = {}) {
  let now = 1000;
  const sched = new FrameScheduler({ manual: true, now: () => now, gridMs: 0 });
  const events: Array<VoiceEvent & { t: number }> = [];
  const va = new VoiceActivity({
    classifier: c,
    bytesPerMs: (sampleRate * 2) / 1000,
    minSpeechMs: o.minSpeechMs ?? 120,
    sustainMs: o.sustainMs ?? 200,
    endSilenceMs: o.endSilenceMs ?? 600,
    alarm: (fire) => sched.alarm(fire),
  });
  va.on((ev) => events.push({ ...ev, t: now - 1000 }));
  const frame = (sampleRate / 50) * 2;
  const advance = (to: number) => {
    for (;;) {
      const w = sched.nextWake();
      if (w > to) break;
      now = Math.max(now, w);
      sched.runDue(now);
    }
    now = to;
    sched.runDue(now);
  };
  return {
    va,
    events,
    types: () => events.map((e) => `${e.type}@${e.t}`),
    feed(pcm: Buffer) {
      for (let i = 0; i < pcm.length; i += frame) {
        advance(now + 20);
        va.push(pcm.subarray(i, i + frame), now, false);
      }
    },
    wait(ms: number) {
      advance(now + ms);
    },
  };
}

describe('voice activity (WebRTC VAD + energy gate, decisions on the media clock)', () => {
  it('silence never starts speech', async () => {
    const r = rig(await classifier());
    r.feed(silencePcm16(2000, 8000));
    r.wait(1000);
    expect(r.events).toEqual([]);
    expect(r.va.speaking).toBe(false);
  });

  it('noise below the energy threshold is not speech, whatever the VAD says', async () => {
    const r = rig(await classifier({ energyThreshold: 400 }));
    r.feed(whiteNoise({ ms: 2000, sampleRate: 8000, amplitude: 500 }));
    expect(r.events).toEqual([]);
  });

  it('speech, then no frames at all: start after min_speech_ms, end at last voiced frame + end_silence_ms', async () => {
    const r = rig(await classifier());
    r.feed(silencePcm16(1000, 8000));
    r.feed(speechLike({ ms: 1500, sampleRate: 8000 }));
    const lastVoiced = r.va.lastVoicedAt! - 1000;
    r.wait(2000); // the caller's leg goes quiet: no frames arrive
    expect(r.types().map((t) => t.split('@')[0])).toEqual(['start', 'sustained', 'end']);
    const [start, sustained, end] = r.events;
    expect(start!.t).toBeGreaterThanOrEqual(1000 + 120);
    expect(start!.t).toBeLessThanOrEqual(1000 + 120 + 60);
    expect(sustained!.t - start!.t).toBeGreaterThanOrEqual(80);
    expect(end!.type === 'end' && end!.lastVoicedAt - 1000).toBe(lastVoiced);
    expect(end!.t).toBe(lastVoiced + 600);
    expect(r.va.speaking).toBe(false);
  });

  it('the end comes at the same moment whether silent frames keep arriving or none do', async () => {
    const speech = Buffer.concat([silencePcm16(400, 8000), speechLike({ ms: 800, sampleRate: 8000 })]);
    const quiet = rig(await classifier());
    quiet.feed(speech);
    quiet.wait(1500);
    const frames = rig(await classifier());
    frames.feed(speech);
    frames.feed(silencePcm16(1500, 8000));
    expect(frames.types()).toEqual(quiet.types());
  });

  it('a pause shorter than end_silence_ms does not end the turn (a DTMF digit: 140 ms without audio)', async () => {
    const r = rig(await classifier());
    r.feed(speechLike({ ms: 600, sampleRate: 8000 }));
    r.wait(140);
    r.feed(speechLike({ ms: 400, sampleRate: 8000 }));
    r.wait(1000);
    expect(r.events.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'end')).toHaveLength(1);
  });

  it('a burst shorter than min_speech_ms does not start speech', async () => {
    const r = rig(await classifier(), 8000, { minSpeechMs: 200 });
    r.feed(silencePcm16(500, 8000));
    r.feed(speechLike({ ms: 100, sampleRate: 8000 }));
    r.feed(silencePcm16(500, 8000));
    expect(r.events).toEqual([]);
  });

  it('the energy-only classifier hears a pure tone the WebRTC VAD rejects (echo provider)', async () => {
    const tone = Buffer.alloc(1600 * 2);
    for (let i = 0; i < 1600 * 1.0; i++) tone.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 700 * i) / 8000)), i * 2);
    const webrtc = rig(await classifier());
    webrtc.feed(tone);
    expect(webrtc.events).toEqual([]);
    const energy = rig(createEnergyClassifier(500));
    energy.feed(tone);
    expect(energy.types()[0]).toMatch(/^start@/);
  });

  it('works at 16 kHz on a flite-synthesised sentence', async () => {
    const tts = await synthesize('Hello, I would like to talk to somebody about my invoice, please.', { voice: 'kal16' });
    expect(tts.sampleRate).toBe(16000);
    const r = rig(await classifier({ sampleRate: 16000 }), 16000);
    r.feed(Buffer.concat([silencePcm16(500, 16000), tts.pcm]));
    r.wait(1500);
    const starts = r.events.filter((e) => e.type === 'start');
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(starts[0]!.t).toBeGreaterThan(500);
    expect(starts[0]!.t).toBeLessThan(1200);
    expect(r.events.filter((e) => e.type === 'end')).toHaveLength(starts.length);
    expect(r.va.speaking).toBe(false);
  });

  it('bad options and use after close fail clearly', async () => {
    await expect(createVoiceClassifier({ sampleRate: 44100 as 8000, aggressiveness: 2, energyThreshold: 0 })).rejects.toThrow(/44100 Hz is not supported/);
    await expect(createVoiceClassifier({ sampleRate: 8000, aggressiveness: 5 as 3, energyThreshold: 0 })).rejects.toThrow(/webrtc_aggressiveness: 5/);
    const w = await createVoiceClassifier({ sampleRate: 8000, aggressiveness: 0, energyThreshold: 0 });
    w.close();
    expect(() => w.classify(Buffer.alloc(320))).toThrow(/after close/);
  });
});
