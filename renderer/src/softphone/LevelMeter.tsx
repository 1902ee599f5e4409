import { useEffect, useRef } from 'react';
import { getPhone } from './use-phone';
import { dbfs } from './logic/latency';

/** Remote audio level: written straight to the DOM from the 10 ms frames, never through React state. */
export function LevelMeter() {
  const bar = useRef<HTMLDivElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let level = -90;
    let raf = 0;
    const off = getPhone().onRemoteFrame((f) => {
      const db = Math.max(-90, dbfs(f.rms));
      level = db > level ? db : level - 0.6; // fast attack, slow decay
    });
    const draw = () => {
      const pct = Math.max(0, Math.min(100, ((level + 60) / 60) * 100));
      if (bar.current) bar.current.style.width = `${pct}%`;
      if (label.current) label.current.textContent = level <= -89 ? '–∞ dB' : `${level.toFixed(0)} dB`;
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => {
      off();
      cancelAnimationFrame(raf);
    };
  }, []);
  return (
    <div className="sp-meter" aria-label="Remote audio level">
      <div className="sp-meter-track">
        <div className="sp-meter-bar" ref={bar} />
      </div>
      <span className="sp-meter-label muted" ref={label} data-testid="remote-level">
        –∞ dB
      </span>
    </div>
  );
}
