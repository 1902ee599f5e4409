import { describe, expect, it } from 'vitest';
import { LatencyTracker, turnTotalMs } from '../../engine/src/calls/latency-tracker.js';
import type { TurnLatency } from '../../engine/src/api/calls.js';

const make = () => {
  const rows: TurnLatency[] = [];
  const t = new LatencyTracker('call-1', 'pipe', { toEpoch: (p) => 1_700_000_000_000 + p }, (r) => rows.push(r));
  return { t, rows };
};

describe('latency tracker', () => {
  it('turns provider marks and the first frame out into one row per turn', () => {
    const { t, rows } = make();
    t.mark('end_of_speech', 1000);
    t.mark('stt_final', 1150);
    t.mark('llm_first_token', 1400);
    t.mark('llm_first_token', 1500); // only the first mark of a kind counts
    t.mark('tts_first_byte', 1600);
    t.agentAudio(1610);
    t.firstFrameOut(1625);
    expect(rows).toEqual([
      { callId: 'call-1', turn: 1, provider: 'pipe', endOfSpeechAt: 1_700_000_001_000, sttFinalMs: 150, llmFirstTokenMs: 400, ttsFirstByteMs: 600, firstAudioMs: 625, bargeInReactionMs: null },
    ]);
    expect(turnTotalMs(rows[0]!)).toBe(625);
    expect(t.outboundDelays).toEqual([15]);
  });

  it('closes a turn without audio when the next one starts, and records barge-in reaction', () => {
    const { t, rows } = make();
    t.mark('end_of_speech', 0);
    t.mark('stt_final', 200);
    t.bargeIn(12.34);
    t.mark('end_of_speech', 3000);
    t.close();
    expect(rows.map((r) => [r.turn, r.sttFinalMs, r.firstAudioMs, r.bargeInReactionMs])).toEqual([
      [1, 200, null, 12.3],
      [2, null, null, null],
    ]);
    expect(turnTotalMs(rows[1]!)).toBeNull();
  });

  it('ignores marks outside a turn (greeting audio)', () => {
    const { t, rows } = make();
    t.mark('tts_first_byte', 10);
    t.agentAudio(20);
    t.firstFrameOut(40);
    expect(rows).toEqual([]);
    expect(t.outboundDelays).toEqual([20]);
  });
});
