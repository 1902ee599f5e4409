/**
 * A once-a-second clock for ticking durations. Components subscribe transiently
 * (write textContent from the callback) so the tick never re-renders a table.
 */
export interface Clock {
  now(): number;
  subscribe(listener: (now: number) => void): () => void;
  dispose(): void;
}

export function createClock(intervalMs = 1000, nowFn: () => number = Date.now): Clock {
  const listeners = new Set<(now: number) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    const t = nowFn();
    for (const l of listeners) l(t);
  };
  return {
    now: nowFn,
    subscribe(listener) {
      listeners.add(listener);
      timer ??= setInterval(tick, intervalMs);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    dispose() {
      listeners.clear();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
