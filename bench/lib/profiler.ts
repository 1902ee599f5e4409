/**
 * A CPU profile of this thread over a window (node:inspector), for benches:
 * `const stop = await startProfile(); …; await stop(file)` writes a
 * `.cpuprofile` (read it with cpu-profile-summary.ts). Unlike `--cpu-prof`
 * it covers only the steady state, not start-up and call setup.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function post<T>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

export async function startProfile(intervalUs = 500): Promise<(file: string) => Promise<void>> {
  const s = new Session();
  s.connect();
  await post(s, 'Profiler.enable');
  await post(s, 'Profiler.setSamplingInterval', { interval: intervalUs });
  await post(s, 'Profiler.start');
  return async (file) => {
    const { profile } = await post<{ profile: unknown }>(s, 'Profiler.stop');
    s.disconnect();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
  };
}
