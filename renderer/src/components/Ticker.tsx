import { useEffect, useRef } from 'react';
import { useStores } from '../stores/react';
import { elapsedSec, formatClock } from './format';

/**
 * A call duration that ticks every second without re-rendering its row:
 * it subscribes to the clock transiently and writes its own text.
 */
export function Ticker({ startedAt, endedAt }: { startedAt: string; endedAt?: string }) {
  const { clock } = useStores();
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const write = (now: number) => {
      if (ref.current) ref.current.textContent = formatClock(elapsedSec(startedAt, endedAt, now));
    };
    write(clock.now());
    if (endedAt) return undefined;
    return clock.subscribe(write);
  }, [clock, startedAt, endedAt]);
  return <span ref={ref} className="num" data-testid="ticker">{formatClock(elapsedSec(startedAt, endedAt, clock.now()))}</span>;
}
