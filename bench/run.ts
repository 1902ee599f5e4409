/**
 * `npm run bench`: runs each area's bench and writes JSON to bench/results/.
 * Figures are ratios and percentiles measured on this machine; nothing here
 * asserts a time. `npm run bench -- calls media` runs only those areas.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';

type BenchFn = () => Promise<unknown>;

const AREAS: Record<string, { module: string; fn: string }> = {
  media: { module: './media/index.js', fn: 'runMediaBench' },
  calls: { module: './calls/index.js', fn: 'runCallsBench' },
  providers: { module: './providers/index.js', fn: 'runProvidersBench' },
  recordings: { module: './recordings/index.js', fn: 'runRecordingsBench' },
  soak: { module: './soak/index.js', fn: 'runSoakBench' },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !(w in AREAS));
  if (unknown.length) {
    console.error(`unknown bench area(s): ${unknown.join(', ')} (have: ${Object.keys(AREAS).join(', ')})`);
    process.exit(2);
  }
  const areas = wanted.length ? wanted : Object.keys(AREAS);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const results: Record<string, unknown> = { machine, startedAt: new Date().toISOString() };
  let failed = 0;
  for (const area of areas) {
    const spec = AREAS[area]!;
    console.log(`\n== ${area} ==`);
    try {
      const mod = (await import(spec.module)) as Record<string, BenchFn>;
      const fn = mod[spec.fn];
      if (!fn) throw new Error(`${spec.module} does not export ${spec.fn}`);
      results[area] = await fn();
    } catch (err) {
      failed++;
      console.error(`${area} bench failed: ${(err as Error).message}`);
      results[area] = { error: (err as Error).message };
    }
  }
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2));
  console.log(`\nresults: ${file}`);
  process.exit(failed ? 1 : 0);
}

await main();
