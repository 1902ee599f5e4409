import uPlot, { type AlignedData, type Options } from 'uplot';
import type { LatencyPoint } from '../../api/contract';
import { PER_TURN_MAX, perTurnStages, stackedStages, STAGES, type StagePoint } from '../../stores/latency-math';
import { UPlotChart } from '../../components/UPlotChart';
import { cssVar } from '../../components/css-var';
import { formatMs, formatTime } from '../../components/format';

const STAGE_COLORS = ['#2f7ed8', '#17a589', '#f1a208', '#9b59b6'];
/** One colour per mark of TURN_MARKS, so a stage keeps its colour whichever marks are present. */
const MARK_COLORS: Record<string, string> = {
  endOfTurnMs: '#8e9aaf',
  sttFinalMs: '#2f7ed8',
  llmFirstTokenMs: '#17a589',
  ttsFirstByteMs: '#f1a208',
  providerAudioMs: '#e4572e',
  firstAudioMs: '#9b59b6',
};

function axes(xValues?: (u: uPlot, t: number[]) => string[]): Options['axes'] {
  const fg = cssVar('--fg-muted', '#666');
  const grid = cssVar('--border', '#ddd');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return [
    { ...axis, ...(xValues ? { values: xValues } : {}) },
    { ...axis, label: xValues ? 'ms after end of speech' : 'cumulative, mean', values: (_u: uPlot, t: number[]) => t.map((v) => formatMs(v)), size: 70 },
  ];
}

/**
 * The per-stage breakdown. With a handful of turns (up to PER_TURN_MAX in range) one stacked bar per
 * turn, every stage the engine reported drawn as its own segment; with many, the mean per time bucket.
 */
export function StageChart({ points, from, to, bucketMs, version }: { points: LatencyPoint[]; from: number; to: number; bucketMs: number; version: string }) {
  const inRange = points.filter((p) => p.at >= from && p.at < to).length;
  if (inRange > 0 && inRange <= PER_TURN_MAX) {
    const t = perTurnStages(points as StagePoint[], from, to);
    // Tallest cumulative first, so each earlier stage paints over it.
    const order = t.marks.map((_, i) => i).reverse();
    const data: AlignedData = [t.x, ...order.map((i) => t.stacks[i]!)];
    const build = (w: number, h: number): Options => ({
      width: w,
      height: h,
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.6, max + 0.6] } },
      axes: axes((_u, ticks) => ticks.map((v) => (Number.isInteger(v) && v >= 1 && v <= t.x.length ? `#${v}` : ''))),
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'turn', value: (_u: uPlot, v: number | null) => (v === null ? '—' : `#${v} at ${formatTime(t.at[v - 1])} (${t.provider[v - 1]})`) },
        ...order.map((i) => {
          const color = MARK_COLORS[t.marks[i]!.key] ?? '#888';
          return {
            label: `→ ${t.marks[i]!.label}`,
            stroke: color,
            fill: `${color}cc`,
            width: 1,
            paths: uPlot.paths.bars!({ size: [0.6, 48], align: 0 }),
            points: { show: false },
            value: (_u: uPlot, v: number | null) => formatMs(v),
          };
        }),
      ],
    });
    return <UPlotChart build={build} data={data} height={220} label={`Per-stage latency of each of the last ${t.x.length} turns`} version={`turns:${version}:${t.marks.map((m) => m.key).join(',')}`} />;
  }
  const stacked = stackedStages(points, from, to, bucketMs);
  const stackOrder = [3, 2, 1, 0];
  const data: AlignedData = [stacked.x, ...stackOrder.map((i) => stacked.stacks[i]!)];
  const build = (w: number, h: number): Options => ({
    width: w,
    height: h,
    scales: { x: { time: true } },
    axes: axes(),
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      {},
      ...stackOrder.map((i) => ({
        label: STAGES[i]!.label,
        stroke: STAGE_COLORS[i],
        fill: `${STAGE_COLORS[i]}99`,
        width: 1,
        spanGaps: true,
        points: { show: true, size: 5, fill: STAGE_COLORS[i] },
        value: (_u: uPlot, v: number | null) => formatMs(v),
      })),
    ],
  });
  return <UPlotChart build={build} data={data} height={220} label="Stacked per-stage latency over time" version={`buckets:${version}`} />;
}
