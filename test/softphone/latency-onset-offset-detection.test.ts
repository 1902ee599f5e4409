import { audibleBounds, computeTestCallFigures, detectSegments, Segmenter, type EnergyFrame } from '../../renderer/src/softphone/logic/latency';

/** Frames of `frameMs` from 0 to totalMs; `on` intervals get `loud` RMS, the rest `quiet`. */
function frames(totalMs: number, on: [number, number][], frameMs = 10, loud = 0.2, quiet = 0.0005): EnergyFrame[] {
  const out: EnergyFrame[] = [];
  for (let t = 0; t < totalMs; t += frameMs) {
    const mid = t + frameMs / 2;
    const isOn = on.some(([a, b]) => mid >= a && mid < b);
    out.push({ tMs: t, durMs: frameMs, rms: isOn ? loud : quiet });
  }
  return out;
}

describe('energy onset/offset detection', () => {
  it('finds tone bursts with frame-accurate onset and offset', () => {
    const segs = detectSegments(frames(3000, [[500, 1100], [2000, 2400]]));
    expect(segs).toEqual([
      { startMs: 500, endMs: 1100 },
      { startMs: 2000, endMs: 2400 },
    ]);
  });

  it('ignores clicks shorter than minOnMs and bridges gaps shorter than the hangover', () => {
    const segs = detectSegments(frames(3000, [[200, 210], [1000, 1300], [1400, 1600]]), { minOnMs: 30, hangoverMs: 250 });
    expect(segs).toEqual([{ startMs: 1000, endMs: 1600 }]);
  });

  it('splits on a gap longer than the hangover', () => {
    const segs = detectSegments(frames(3000, [[1000, 1300], [1700, 1900]]), { hangoverMs: 200 });
    expect(segs).toHaveLength(2);
  });

  it('applies hysteresis: a decaying tail above offDb stays in the segment', () => {
    const f = frames(2000, [[500, 800]]);
    // tail at -47 dBFS (between onDb -45 and offDb -50) for 200 ms
    for (const fr of f) if (fr.tMs >= 800 && fr.tMs < 1000) fr.rms = 10 ** (-47 / 20);
    expect(detectSegments(f)).toEqual([{ startMs: 500, endMs: 1000 }]);
    // the same level alone never starts a segment
    const quietOnly = frames(2000, []).map((fr) => ({ ...fr, rms: 10 ** (-47 / 20) }));
    expect(detectSegments(quietOnly)).toEqual([]);
  });

  it('reports open segments as they start (for live timelines) and closes them on flush', () => {
    const events: string[] = [];
    const s = new Segmenter({}, (seg, done) => events.push(`${done ? 'end' : 'start'}@${done ? seg.endMs : seg.startMs}`));
    for (const fr of frames(1000, [[300, 1000]])) s.push(fr);
    expect(s.current()).toEqual({ startMs: 300, endMs: 1000 });
    s.flush();
    expect(events).toEqual(['start@300', 'end@1000']);
    expect(s.current()).toBeNull();
  });
});

describe('test-call figures', () => {
  it('computes answer, greeting and per-utterance reply latency', () => {
    const fig = computeTestCallFigures({
      inviteAtMs: 1000,
      answeredAtMs: 1800,
      agentSegments: [
        { startMs: 2300, endMs: 3000 }, // greeting
        { startMs: 4900, endMs: 5500 }, // reply 1
        { startMs: 7150, endMs: 7600 }, // reply 2
      ],
      callerSegments: [
        { startMs: 3500, endMs: 4500 },
        { startMs: 6000, endMs: 6800 },
        { startMs: 8000, endMs: 8500 }, // no reply
      ],
    });
    expect(fig.answerMs).toBe(800);
    expect(fig.greetingLatencyMs).toBe(500);
    expect(fig.replyLatenciesMs).toEqual([400, 350, null]);
    expect(fig.timeline[0]).toEqual({ kind: 'agent', startMs: 1300, endMs: 2000 });
    expect(fig.timeline.map((s) => s.kind)).toEqual(['agent', 'caller', 'agent', 'caller', 'agent', 'caller']);
  });

  it('ignores agent audio that overlaps the utterance (barge-in) when timing the reply', () => {
    const fig = computeTestCallFigures({
      inviteAtMs: 0,
      answeredAtMs: 100,
      agentSegments: [{ startMs: 1200, endMs: 1300 }, { startMs: 2100, endMs: 2500 }],
      callerSegments: [{ startMs: 1000, endMs: 1800 }],
    });
    expect(fig.greetingLatencyMs).toBeNull();
    expect(fig.replyLatenciesMs).toEqual([300]);
  });

  it('leaves everything null for an unanswered call', () => {
    const fig = computeTestCallFigures({ inviteAtMs: 0, answeredAtMs: null, agentSegments: [], callerSegments: [] });
    expect(fig).toEqual({ answerMs: null, greetingLatencyMs: null, replyLatenciesMs: [], timeline: [] });
  });
});

describe('audible bounds of a caller clip', () => {
  it('skips leading and trailing silence (TTS and WAV padding) and bridges short pauses', () => {
    const rate = 16000;
    const clip = new Float32Array(rate * 2); // 2 s
    const tone = (fromMs: number, toMs: number) => {
      for (let i = (fromMs * rate) / 1000; i < (toMs * rate) / 1000; i++) clip[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate);
    };
    tone(250, 800);
    tone(1000, 1600); // a 200 ms pause between words
    const b = audibleBounds(clip, rate)!;
    expect(b.startMs).toBeCloseTo(250, -1);
    expect(b.endMs).toBeCloseTo(1600, -1);
    expect(audibleBounds(new Float32Array(rate), rate)).toBeNull();
  });
});
