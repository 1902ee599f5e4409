/**
 * The per-turn latency of History's call page and the live call view, from
 * the caller's last voiced frame: the end-of-speech wait is its own stage and
 * the total is what the caller waited (first agent audio on the wire).
 */
import { cleanup, render, screen } from '@testing-library/react';
import { TurnLatencyList } from '../../renderer/src/components/TurnLatencyList';
import { turnStageDurations } from '../../renderer/src/stores/latency-math';
import type { TurnLatency } from '../../engine/src/api/calls';

afterEach(cleanup);

const turn = (over: Partial<TurnLatency>): TurnLatency => ({
  callId: 'c1',
  turn: 1,
  provider: 'cloud',
  endOfSpeechAt: Date.parse('2026-11-21T08:00:05Z'),
  endOfTurnMs: 600,
  sttFinalMs: 700,
  llmFirstTokenMs: 900,
  ttsFirstByteMs: 1000,
  providerAudioMs: 1010,
  firstAudioMs: 1030,
  bargeInReactionMs: null,
  ...over,
});

describe('turn latency list', () => {
  it('splits a turn into the end-of-speech wait and the pipeline stages, summing to what the caller waited', () => {
    const d = turnStageDurations(turn({}));
    expect(d).toEqual({ wait: 600, stt: 100, llm: 200, tts: 100, audio: 30 });
    expect(Object.values(d).reduce((a, b) => a + b, 0)).toBe(1030);
    // A speech-to-speech provider: the wait until its end-of-turn event, then its audio.
    expect(turnStageDurations(turn({ endOfTurnMs: 520, sttFinalMs: null, llmFirstTokenMs: null, ttsFirstByteMs: null, firstAudioMs: 545 }))).toEqual({ wait: 520, stt: 0, llm: 0, tts: 0, audio: 25 });
    // Turns stored before the wait was measured show no wait stage.
    expect(turnStageDurations(turn({ endOfTurnMs: undefined })).wait).toBe(0);
  });

  it('draws the wait as a stage of the bar, with its own label, and shows the total', () => {
    render(<TurnLatencyList turns={[turn({})]} startedAt="2026-11-21T08:00:00Z" />);
    const bar = screen.getByRole('img', { name: /Turn 1: .* to first audio/ });
    const wait = bar.querySelector('.stage-wait') as HTMLElement;
    expect(wait.title).toMatch(/end-of-speech wait/);
    expect(wait.title).toMatch(/600/);
    expect(parseFloat(wait.style.width)).toBeGreaterThan(50);
    expect(screen.getByText(/1[.,]03 s|1030 ms/)).toBeTruthy();
  });
});
