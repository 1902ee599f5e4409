import { cleanup, render } from '@testing-library/react';
import { axisTicks, labelRows, turnGaps } from '../../../renderer/src/softphone/logic/timeline';
import { TestCallTimeline } from '../../../renderer/src/softphone/TestCallTimeline';

afterEach(cleanup);

const timeline = [
  { kind: 'agent' as const, startMs: 1452, endMs: 2900 },
  { kind: 'caller' as const, startMs: 3500, endMs: 4900 },
  { kind: 'agent' as const, startMs: 5805, endMs: 7000 },
  { kind: 'caller' as const, startMs: 7600, endMs: 9000 },
  { kind: 'agent' as const, startMs: 9700, endMs: 11_000 },
];

describe('test call timeline', () => {
  it('finds the greeting gap and one gap per caller utterance, labelled with the report’s figures', () => {
    expect(turnGaps(timeline, 812, 640, [905, null])).toEqual([
      { kind: 'greeting', index: 0, fromMs: 812, toMs: 1452, ms: 640 },
      { kind: 'reply', index: 1, fromMs: 4900, toMs: 5805, ms: 905 },
      { kind: 'reply', index: 2, fromMs: 9000, toMs: 9700, ms: 700 },
    ]);
    // A caller utterance the agent never answered has no gap.
    expect(turnGaps([{ kind: 'caller', startMs: 0, endMs: 500 }, { kind: 'caller', startMs: 900, endMs: 1200 }, { kind: 'agent', startMs: 1500, endMs: 2000 }], null, null, []).map((g) => g.index)).toEqual([2]);
  });

  it('round ticks sized to the width; labels that would touch go to another row', () => {
    expect(axisTicks(11_000, 900)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(axisTicks(3000, 900)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(labelRows([{ x: 100, width: 80 }, { x: 150, width: 80 }, { x: 300, width: 80 }, { x: 120, width: 20 }, { x: 160, width: 20 }])).toEqual([0, 1, 0, 2, 0]);
  });

  it('draws at its container’s width with a gutter for the lane labels and the gaps written on it', () => {
    const { getByRole, getAllByTestId } = render(<TestCallTimeline timeline={timeline} answerMs={812} greetingLatencyMs={640} replyLatenciesMs={[905, null]} />);
    const svg = getByRole('img', { name: 'Test call timeline' });
    expect(getAllByTestId('timeline-gap').map((g) => g.textContent)).toEqual(['greeting: 640 ms', 'reply 1: 905 ms', 'reply 2: 700 ms']);
    // No bar starts left of the lane labels' gutter.
    for (const r of svg.querySelectorAll('rect')) expect(Number(r.getAttribute('x'))).toBeGreaterThanOrEqual(64);
    const labels = [...svg.querySelectorAll('text.sp-chart-label')].map((t) => Number(t.getAttribute('x')));
    expect(labels.every((x) => x <= 64)).toBe(true);
    expect([...svg.querySelectorAll('text.sp-chart-tick')].map((t) => t.textContent)).toContain('10 s');
  });
});
