import { perTurnStages, PER_TURN_MAX, type StagePoint } from '../../renderer/src/stores/latency-math';

const p = (at: number, over: Partial<StagePoint> = {}): StagePoint => ({ at, provider: 'echo', totalMs: 900, sttFinalMs: 200, llmFirstTokenMs: 500, ttsFirstByteMs: 700, firstAudioMs: 900, ...over });

describe('per-stage latency with a handful of turns', () => {
  it('one stacked bar per turn, oldest first; only the marks some turn reported', () => {
    const t = perTurnStages([p(3000, { firstAudioMs: 1100 }), p(1000), p(99_999_999)], 0, 10_000);
    expect(t.x).toEqual([1, 2]);
    expect(t.at).toEqual([1000, 3000]);
    expect(t.marks.map((m) => m.key)).toEqual(['sttFinalMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'firstAudioMs']);
    expect(t.stacks).toEqual([
      [200, 200],
      [500, 500],
      [700, 700],
      [900, 1100],
    ]);
  });

  it('newer stages (end-of-turn wait, provider audio) appear as soon as a turn carries them; a missing stage is a zero-height segment', () => {
    const t = perTurnStages([p(1000, { endOfTurnMs: 80, providerAudioMs: 760 }), p(2000, { llmFirstTokenMs: null, ttsFirstByteMs: null })], 0, 10_000);
    expect(t.marks.map((m) => m.label)).toEqual(['end-of-turn decision', 'STT final', 'LLM first token', 'TTS first byte', 'provider audio', 'first audio to the caller']);
    expect(t.stacks.map((s) => s[0])).toEqual([80, 200, 500, 700, 760, 900]);
    expect(t.stacks.map((s) => s[1])).toEqual([null, 200, 200, 200, 200, 900]);
  });

  it('keeps the last PER_TURN_MAX turns', () => {
    const many = Array.from({ length: PER_TURN_MAX + 5 }, (_, i) => p(i * 10));
    const t = perTurnStages(many, 0, 10_000);
    expect(t.x).toHaveLength(PER_TURN_MAX);
    expect(t.at[0]).toBe(50);
  });
});
