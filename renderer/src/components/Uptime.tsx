import { useEffect, useRef } from 'react';
import { useStores } from '../stores/react';
import { uptimeAt } from '../stores/health';
import { formatDuration } from './format';

/**
 * The engine's uptime, advancing every second while the page is open: the last
 * /health report's uptime plus the time since it arrived. Written from the clock
 * and the health store transiently (no re-render of the header).
 */
export function Uptime() {
  const { clock, health } = useStores();
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const write = (now: number) => {
      if (ref.current) ref.current.textContent = `up ${formatDuration(uptimeAt(health.getState(), now))}`;
    };
    write(clock.now());
    const offClock = clock.subscribe(write);
    const offHealth = health.subscribe(() => write(clock.now()));
    return () => {
      offClock();
      offHealth();
    };
  }, [clock, health]);
  return (
    <span ref={ref} className="muted" data-testid="header-uptime">
      up {formatDuration(uptimeAt(health.getState(), clock.now()))}
    </span>
  );
}
