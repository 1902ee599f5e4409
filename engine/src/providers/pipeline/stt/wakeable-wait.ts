/**
 * Waits until woken, aborted, or `ms` pass — whichever comes first. `arm`
 * receives the wake function while waiting and `undefined` once done, so a
 * recognizer can wake the waiting turn when its final words arrive.
 */
export function wakeableWait(ms: number, signal: AbortSignal, arm: (wake: (() => void) | undefined) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      arm(undefined);
      resolve();
    };
    const timer = setTimeout(done, ms);
    arm(done);
    signal.addEventListener('abort', done);
  });
}
