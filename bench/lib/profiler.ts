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

/**
 * Sampled allocations of this thread over a window (HeapProfiler sampling):
 * `const stop = await startAllocationSampling(); …; const top = await stop()`
 * gives bytes allocated per function (self), largest first, objects collected
 * since included — where the garbage comes from. `survivors`: leaves out what
 * a minor GC collected, so what is left is what lived long enough to be
 * promoted to the old generation (what the major GCs then have to clean).
 */
export async function startAllocationSampling(intervalBytes = 4096, survivors = false): Promise<() => Promise<{ fn: string; bytes: number }[]>> {
  const s = new Session();
  s.connect();
  await post(s, 'HeapProfiler.enable');
  await post(s, 'HeapProfiler.startSampling', { samplingInterval: intervalBytes, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !survivors });
  return async () => {
    const { profile } = await post<{ profile: { head: SamplingNode } }>(s, 'HeapProfiler.stopSampling');
    s.disconnect();
    const bytes = new Map<string, number>();
    const walk = (n: SamplingNode): void => {
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}:${f.columnNumber}`;
      bytes.set(key, (bytes.get(key) ?? 0) + n.selfSize);
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    return [...bytes].map(([fn, b]) => ({ fn, bytes: b })).sort((a, b) => b.bytes - a.bytes);
  };
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: SamplingNode[];
}
