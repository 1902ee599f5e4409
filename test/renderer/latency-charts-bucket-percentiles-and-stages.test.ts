import { bucketPercentiles, histogram, percentile, stackedStages, stageDurations, turnToPoint, bucketFor } from '../../renderer/src/stores/latency-math';
import type { LatencyPoint } from '../../renderer/src/api/contract';

const pt = (at: number, provider: string, totalMs: number, marks: Partial<LatencyPoint> = {}): LatencyPoint => ({
  at,
  provider,
  totalMs,
  sttFinalMs: null,
  llmFirstTokenMs: null,
  ttsFirstByteMs: null,
  firstAudioMs: totalMs,
  ...marks,
});

describe('latency maths', () => {
  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 0.5)).toBe(50);
    expect(percentile(v, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('buckets p50/p95 per provider over thousands of points, empty buckets null', () => {
    const from = 0;
    const points: LatencyPoint[] = [];
    for (let i = 0; i < 5000; i++) points.push(pt(i * 600, i % 2 ? 'echo' : 'openai', 100 + (i % 100)));
    // 5000 points × 600 ms = 3 000 000 ms: buckets of 60 s cover 50 minutes of an hour.
    const s = bucketPercentiles(points, from, 3_600_000, 60_000);
    expect(s.x).toHaveLength(60);
    expect(Object.keys(s.byProvider)).toEqual(['echo', 'openai']);
    expect(s.byProvider.echo!.count.slice(0, 50).every((c) => c === 50)).toBe(true);
    expect(s.byProvider.echo!.p50[0]).toBe(149);
    expect(s.byProvider.openai!.p95[0]).toBe(194);
    expect(s.byProvider.echo!.p50[55]).toBeNull();
  });

  it('splits cumulative marks into stage durations and stacks their means', () => {
    const p = pt(0, 'x', 900, { sttFinalMs: 200, llmFirstTokenMs: 500, ttsFirstByteMs: 700, firstAudioMs: 900 });
    expect(stageDurations(p)).toEqual({ stt: 200, llm: 300, tts: 200, audio: 200 });
    // A speech-to-speech provider has no STT/LLM marks: its whole latency is one stage.
    expect(stageDurations(pt(0, 'rt', 600, { firstAudioMs: 600 }))).toEqual({ stt: 0, llm: 0, tts: 0, audio: 600 });
    const q = pt(10, 'x', 1100, { sttFinalMs: 400, llmFirstTokenMs: 700, ttsFirstByteMs: 900, firstAudioMs: 1100 });
    const st = stackedStages([p, q], 0, 120_000, 60_000);
    expect(st.stacks.map((s) => s[0])).toEqual([300, 600, 800, 1000]);
    expect(st.stacks.map((s) => s[1])).toEqual([null, null, null, null]);
  });

  it('histogram bins with an open-ended last bin', () => {
    const h = histogram([10, 60, 120, 5000], 50, 200);
    expect(h.edges).toEqual([0, 50, 100, 150]);
    expect(h.counts).toEqual([1, 1, 1, 1]);
  });

  it('a turn event becomes a chart point; a turn with no marks does not', () => {
    expect(turnToPoint({ callId: 'c', turn: 1, provider: 'echo', endOfSpeechAt: 5, sttFinalMs: 100, llmFirstTokenMs: null, ttsFirstByteMs: null, firstAudioMs: 300, bargeInReactionMs: null })).toMatchObject({ at: 5, totalMs: 300 });
    expect(turnToPoint({ callId: 'c', turn: 1, provider: 'echo', endOfSpeechAt: 5, sttFinalMs: null, llmFirstTokenMs: null, ttsFirstByteMs: null, firstAudioMs: null, bargeInReactionMs: null })).toBeNull();
    expect(bucketFor(3_600_000)).toBe(60_000);
    expect(bucketFor(86_400_000)).toBe(900_000);
  });
});
