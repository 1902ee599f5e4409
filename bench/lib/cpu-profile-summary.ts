/**
 * Self time per function of a V8 `.cpuprofile` (node --cpu-prof), as the
 * share of all samples: `npx tsx bench/lib/cpu-profile-summary.ts <file> [top=25]`.
 * Functions are keyed by name and file:line, so the same function in one
 * file sums over its call sites.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  percent: number;
  ms: number;
}

export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = n.callFrame;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    ms.set(key, (ms.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...ms.entries()]
    .map(([fn, t]) => ({ fn, ms: t, percent: (t / total) * 100 }))
    .sort((a, b) => b.ms - a.ms);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: cpu-profile-summary <file.cpuprofile> [top]');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  for (const r of rows.slice(0, top)) console.log(`${r.percent.toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(7)} ms  ${r.fn}`);
}
