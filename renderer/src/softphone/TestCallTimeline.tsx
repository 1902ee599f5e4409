import { useEffect, useRef, useState } from 'react';
import type { TestCallReport } from '../api/contract';
import { axisTicks, labelRows, tickLabel, turnGaps } from './logic/timeline';

type Timeline = TestCallReport['timeline'];

const GUTTER = 64;
const RIGHT = 16;
const LANE_H = 18;
const AGENT_Y = 8;
const GAP_ROW_H = 22;
const CHAR_PX = 6.6;

/** Follows its container's width (the page's), so the chart is drawn at 1:1 pixels and its text stays readable. */
function useWidth(fallback = 720): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => setWidth(Math.max(320, Math.floor(el.clientWidth || fallback)));
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [fallback]);
  return [ref, width];
}

/**
 * Caller and agent audio on one time axis (ms since the INVITE), the answer mark, and the gap the
 * caller feels before each agent turn written on it (greeting, then each reply).
 */
export function TestCallTimeline({ timeline, answerMs, greetingLatencyMs = null, replyLatenciesMs = [] }: { timeline: Timeline; answerMs: number | null; greetingLatencyMs?: number | null; replyLatenciesMs?: (number | null)[] }) {
  const [box, width] = useWidth();
  const spanMs = Math.max(1000, ...timeline.map((s) => s.endMs), answerMs ?? 0) * 1.03;
  const plotW = width - GUTTER - RIGHT;
  const x = (t: number) => GUTTER + (t / spanMs) * plotW;
  const ticks = axisTicks(spanMs, plotW);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : spanMs;

  const gaps = turnGaps(timeline, answerMs, greetingLatencyMs, replyLatenciesMs);
  const texts = gaps.map((g) => `${g.kind === 'greeting' ? 'greeting' : `reply ${g.index}`}: ${Math.round(g.ms)} ms`);
  const rows = labelRows(gaps.map((g, i) => ({ x: (x(g.fromMs) + x(g.toMs)) / 2, width: texts[i]!.length * CHAR_PX })));
  const nRows = Math.max(1, ...rows.map((r) => r + 1));
  const gapTop = AGENT_Y + LANE_H + 6;
  const callerY = gapTop + nRows * GAP_ROW_H + 6;
  const axisY = callerY + LANE_H + 8;
  const height = axisY + 20;

  return (
    <div className="sp-timeline" ref={box}>
      <svg className="sp-chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Test call timeline">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AGENT_Y - 4} y2={axisY} className="sp-grid" />
            <text x={x(t)} y={axisY + 14} className="sp-chart-tick" textAnchor="middle">
              {tickLabel(t, step)}
            </text>
          </g>
        ))}
        <line x1={GUTTER} x2={width - RIGHT} y1={axisY} y2={axisY} className="sp-axis" />
        <text x={GUTTER - 8} y={AGENT_Y + LANE_H - 5} className="sp-chart-label" textAnchor="end">
          agent
        </text>
        <text x={GUTTER - 8} y={callerY + LANE_H - 5} className="sp-chart-label" textAnchor="end">
          caller
        </text>
        {timeline.map((s, i) => (
          <rect key={i} x={x(s.startMs)} width={Math.max(1, x(s.endMs) - x(s.startMs))} y={s.kind === 'agent' ? AGENT_Y : callerY} height={LANE_H} rx={2} className={`sp-seg sp-seg-${s.kind}`}>
            <title>{`${s.kind} ${Math.round(s.startMs)}–${Math.round(s.endMs)} ms`}</title>
          </rect>
        ))}
        {answerMs !== null && (
          <g>
            <line x1={x(answerMs)} x2={x(answerMs)} y1={AGENT_Y - 4} y2={axisY} className="sp-answer" />
            <title>{`answered at ${Math.round(answerMs)} ms`}</title>
          </g>
        )}
        {gaps.map((g, i) => {
          const top = gapTop + rows[i]! * GAP_ROW_H;
          const x1 = x(g.fromMs);
          const x2 = x(g.toMs);
          return (
            <g key={`${g.kind}-${g.index}`} className={`sp-gap sp-gap-${g.kind}`} data-testid="timeline-gap">
              <line x1={x1} x2={x2} y1={top + 16} y2={top + 16} className="sp-gap-line" />
              <line x1={x1} x2={x1} y1={top + 13} y2={top + 19} className="sp-gap-line" />
              <line x1={x2} x2={x2} y1={top + 13} y2={top + 19} className="sp-gap-line" />
              <text x={(x1 + x2) / 2} y={top + 11} className="sp-gap-label" textAnchor="middle">
                {texts[i]}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
