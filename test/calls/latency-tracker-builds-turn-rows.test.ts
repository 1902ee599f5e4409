import { describe, expect, it } from 'vitest';
import { LatencyTracker, turnTotalMs } from '../../engine/src/calls/latency-tracker.js';
import type { TurnLatency } from '../../engine/src/api/calls.js';

const make = () => {
  const rows: TurnLatency[] = [];
  const voice: { lastVoicedAt: number | undefined } = { lastVoicedAt: undefined };
  const t = new LatencyTracker('call-1', 'pipe', { toEpoch: (p) => 1_700_000_000_000 + p, lastVoicedAt: () => voice.lastVoicedAt }, (r) => rows.push(r));
  return { t, rows, voice };
};

describe('latency tracker', () => {
  it('measures every stage from the last voiced frame, the end-of-speech wait included', () => {
    const { t, rows, voice } = make();
    voice.lastVoicedAt = 400; // the engine's voice activity heard the caller last at 400
    t.mark('end_of_speech', 1000); // end-of-turn decision (600 ms of end silence)
    t.mark('stt_final', 1150);
    t.mark('llm_first_token', 1400);
    t.mark('llm_first_token', 1500); // only the first mark of a kind counts
    t.mark('tts_first_byte', 1600);
    t.agentAudio(1610);
    t.firstFrameOut(1625);
    expect(rows).toEqual([
      {
        callId: 'call-1',
        turn: 1,
        provider: 'pipe',
        endOfSpeechAt: 1_700_000_000_400,
        endOfTurnMs: 600,
        sttFinalMs: 750,
        llmFirstTokenMs: 1000,
        ttsFirstByteMs: 1200,
        providerAudioMs: 1210,
        firstAudioMs: 1225,
        bargeInReactionMs: null,
      },
    ]);
    expect(turnTotalMs(rows[0]!)).toBe(1225);
    expect(t.outboundDelays).toEqual([15]);
  });

  it('a turn the engine heard no voice for is measured from the decision, with an unknown wait', () => {
    const { t, rows, voice } = make();
    voice.lastVoicedAt = 100;
    t.mark('end_of_speech', 500);
    t.firstFrameOut(800);
    // The next decision comes without any new voiced frame: the old one is not reused.
    t.mark('end_of_speech', 2000);
    t.firstFrameOut(2300);
    expect(rows.map((r) => [r.endOfSpeechAt - 1_700_000_000_000, r.endOfTurnMs, r.firstAudioMs])).toEqual([
      [100, 400, 700],
      [2000, null, 300],
    ]);
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
