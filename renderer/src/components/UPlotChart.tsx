import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart sized to its container. `build(width)` makes the options; the
 * plot is rebuilt when `version` changes (cheap: uPlot draws thousands of points
 * in a few ms) and resized with the container.
 */
export function UPlotChart({ build, data, height, label, version }: { build: (width: number, height: number) => Options; data: AlignedData; height: number; label: string; version: unknown }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ build, data });
  latest.current = { build, data };
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const width = Math.max(200, el.clientWidth);
    plot.current?.destroy();
    plot.current = new uPlot(latest.current.build(width, height), latest.current.data, el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [version, height]);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (plot.current && Math.abs(plot.current.width - w) > 1) plot.current.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [height]);
  return <div ref={box} className="chart" role="img" aria-label={label} style={{ minHeight: height + 40 }} />;
}


export const PALETTE = ['#2f7ed8', '#e4572e', '#17a589', '#9b59b6', '#f1a208', '#5d6d7e', '#c0392b', '#1abc9c'];
