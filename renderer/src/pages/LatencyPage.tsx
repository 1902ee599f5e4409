import { useEffect, useMemo } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import { useApp, useStores } from '../stores/react';
import { RANGE_MS, type LatencyRange } from '../stores/latency';
import { bucketFor, bucketPercentiles, histogram, percentile, PER_TURN_MAX } from '../stores/latency-math';
import { StageChart } from './latency/StageChart';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { UPlotChart, PALETTE } from '../components/UPlotChart';
import { cssVar } from '../components/css-var';
import { formatMs } from '../components/format';

const msAxis = (label: string) => ({ label, values: (_u: uPlot, ticks: number[]) => ticks.map((t) => formatMs(t)), size: 70 });

function baseOpts(width: number, height: number, xTime: boolean): Pick<Options, 'width' | 'height' | 'axes' | 'scales' | 'legend' | 'cursor'> {
  const fg = cssVar('--fg-muted', '#666');
  const grid = cssVar('--border', '#ddd');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height,
    scales: { x: { time: xTime } },
    axes: [{ ...axis }, { ...axis }],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  };
}

export default function LatencyPage() {
  const stores = useStores();
  const range = useApp('latency', (s) => s.range);
  const points = useApp('latency', (s) => s.points);
  const version = useApp('latency', (s) => s.version);
  const provider = useApp('latency', (s) => s.provider);
  const providers = useApp('config', (s) => s.config.data?.providers);
  useEffect(() => {
    void stores.latency.getState().load();
    if (!stores.config.getState().config.data) void stores.config.getState().load();
  }, [stores]);

  const charts = useMemo(() => {
    const data = points.data ?? [];
    const to = Date.now();
    const from = to - RANGE_MS[range];
    const bucket = bucketFor(RANGE_MS[range]);
    const pct = bucketPercentiles(data, from, to, bucket);
    const totals = data.map((p) => p.totalMs).sort((a, b) => a - b);
    const p99 = percentile(totals, 0.99) ?? 2000;
    const maxMs = Math.max(500, Math.ceil(p99 / 250) * 250);
    const binMs = maxMs <= 2000 ? 50 : maxMs <= 5000 ? 100 : 250;
    const hist = histogram(totals, binMs, maxMs);
    return { pct, hist, binMs, from, to, bucket, count: data.length, p50: percentile(totals, 0.5), p95: percentile(totals, 0.95) };
  }, [points.data, range]);

  const provNames = Object.keys(charts.pct.byProvider);
  const pctData: AlignedData = [charts.pct.x, ...provNames.flatMap((p) => [charts.pct.byProvider[p]!.p50, charts.pct.byProvider[p]!.p95])];
  const buildPct = (w: number, h: number): Options => ({
    ...baseOpts(w, h, true),
    series: [
      {},
      ...provNames.flatMap((p, i) => [
        { label: `${p} p50`, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true, points: { show: true, size: 6, fill: PALETTE[i % PALETTE.length] }, value: (_u: uPlot, v: number | null) => formatMs(v) },
        { label: `${p} p95`, stroke: PALETTE[i % PALETTE.length], width: 1.5, dash: [6, 4], spanGaps: true, points: { show: true, size: 5 }, value: (_u: uPlot, v: number | null) => formatMs(v) },
      ]),
    ],
    axes: [baseOpts(w, h, true).axes![0]!, { ...baseOpts(w, h, true).axes![1]!, ...msAxis('turn latency') }],
  });
  const histData: AlignedData = [charts.hist.edges, charts.hist.counts];
  const buildHist = (w: number, h: number): Options => ({
    ...baseOpts(w, h, false),
    series: [
      { value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${formatMs(v)}–${formatMs(v + charts.binMs)}`) },
      { label: 'turns', stroke: PALETTE[0], fill: `${PALETTE[0]}88`, paths: uPlot.paths.bars!({ size: [0.9, 60], align: 1 }), points: { show: false } },
    ],
    axes: [{ ...baseOpts(w, h, false).axes![0]!, values: (_u: uPlot, t: number[]) => t.map((v) => formatMs(v)) }, { ...baseOpts(w, h, false).axes![1]!, label: 'turns', size: 50 }],
  });

  const setRange = (r: LatencyRange) => void stores.latency.getState().setRange(r);
  const chartVersion = `${version}:${range}:${provNames.join(',')}`;
  return (
    <div className="page latency-page">
      <div className="page-head">
        <h1>Latency</h1>
        <div className="segmented" role="group" aria-label="Time range">
          {(['hour', 'day'] as const).map((r) => (
            <button key={r} type="button" className="btn btn-small" aria-pressed={range === r} onClick={() => setRange(r)}>
              Last {r}
            </button>
          ))}
        </div>
        <label className="inline-field">
          <span>Provider</span>
          <select value={provider ?? ''} onChange={(e) => void stores.latency.getState().setProvider(e.target.value || undefined)}>
            <option value="">all</option>
            {providers?.map((p) => (
              <option key={p.name}>{p.name}</option>
            ))}
          </select>
        </label>
        <p className="muted small stats-line">
          <span className="num">{charts.count}</span> turn{charts.count === 1 ? '' : 's'} · p50 <span className="num">{formatMs(charts.p50)}</span> · p95 <span className="num">{formatMs(charts.p95)}</span> (end of caller speech → first agent audio)
        </p>
      </div>
      <ErrorNotice error={points.error} what="Loading latency points" />
      {!points.data && points.loading && <Loading what="latency points" />}
      {points.data && points.data.length === 0 && <p className="muted">No turns in the last {range} yet. Latency appears here as calls are handled.</p>}
      <section className="card" aria-labelledby="lat-pct">
        <h2 id="lat-pct">Turn latency p50 / p95 per provider</h2>
        <UPlotChart build={buildPct} data={pctData} height={240} label="Turn latency percentiles over time" version={chartVersion} />
      </section>
      <div className="card-grid two">
        <section className="card" aria-labelledby="lat-stages">
          <h2 id="lat-stages">Per-stage breakdown{charts.count > 0 && charts.count <= PER_TURN_MAX ? ', per turn' : ''}</h2>
          <StageChart points={points.data ?? []} from={charts.from} to={charts.to} bucketMs={charts.bucket} version={chartVersion} />
        </section>
        <section className="card" aria-labelledby="lat-hist">
          <h2 id="lat-hist">Distribution</h2>
          <UPlotChart build={buildHist} data={histData} height={220} label="Histogram of turn latency" version={chartVersion} />
        </section>
      </div>
    </div>
  );
}
