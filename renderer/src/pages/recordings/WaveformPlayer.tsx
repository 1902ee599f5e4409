import { useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import { cssVar } from '../../components/css-var';
import { formatClock, formatMs } from '../../components/format';
import { percentAt } from './review-math';

export interface PlayerHandle {
  seek(sec: number): void;
}

/** wavesurfer.js waveform with play/pause, time, and latency markers laid over it. */
export function WaveformPlayer({
  url,
  durationHint,
  markers,
  onTime,
  onReady,
  handleRef,
}: {
  url: string;
  durationHint: number | undefined;
  markers: { atSec: number; latencyMs: number }[];
  onTime: (sec: number) => void;
  onReady?: (durationSec: number) => void;
  handleRef: { current: PlayerHandle | null };
}) {
  const box = useRef<HTMLDivElement>(null);
  const ws = useRef<WaveSurfer | null>(null);
  const [playing, setPlaying] = useState(false);
  const [duration, setDuration] = useState(durationHint ?? 0);
  const [time, setTime] = useState(0);
  const [error, setError] = useState<string>();
  const [ready, setReady] = useState(false);
  const cb = useRef({ onTime, onReady });
  cb.current = { onTime, onReady };
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    setReady(false);
    setError(undefined);
    const w = WaveSurfer.create({
      container: el,
      url,
      height: 96,
      waveColor: cssVar('--wave', '#9bb7d4'),
      progressColor: cssVar('--accent', '#2f7ed8'),
      cursorColor: cssVar('--fg', '#222'),
      normalize: true,
      barWidth: 2,
      barGap: 1,
      dragToSeek: true,
    });
    ws.current = w;
    const subs = [
      w.on('ready', (d: number) => {
        setDuration(d);
        setReady(true);
        cb.current.onReady?.(d);
      }),
      w.on('timeupdate', (t: number) => {
        setTime(t);
        cb.current.onTime(t);
      }),
      w.on('play', () => setPlaying(true)),
      w.on('pause', () => setPlaying(false)),
      w.on('finish', () => setPlaying(false)),
      w.on('error', (e: Error) => setError(e?.message ?? String(e))),
    ];
    handleRef.current = {
      seek(sec) {
        const d = w.getDuration();
        if (d > 0) w.setTime(Math.min(d, Math.max(0, sec)));
        else cb.current.onTime(sec);
      },
    };
    return () => {
      for (const off of subs) off();
      handleRef.current = null;
      w.destroy();
      ws.current = null;
    };
  }, [url, handleRef]);
  return (
    <div className="player">
      <div className="player-bar">
        <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void ws.current?.playPause()} aria-label={playing ? 'Pause' : 'Play'}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <span className="num" data-testid="player-time">
          {formatClock(time)} / {formatClock(duration)}
        </span>
        <a className="small" href={url} download>
          Download audio
        </a>
      </div>
      <div className="waveform-wrap">
        <div ref={box} className="waveform" data-ready={ready ? 'true' : 'false'} />
        {duration > 0 &&
          markers.map((m, i) => (
            <span key={i} className="latency-marker" style={{ left: `${percentAt(m.atSec, duration)}%` }} title={`Agent reply latency ${formatMs(m.latencyMs)}`}>
              <span className="marker-label">{formatMs(m.latencyMs)}</span>
            </span>
          ))}
      </div>
      {error && (
        <div className="notice notice-error" role="alert">
          The audio could not be loaded: {error}
        </div>
      )}
    </div>
  );
}
