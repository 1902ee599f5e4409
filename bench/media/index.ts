/**
 * Media bench: outbound pacer lateness with N AudioSocket legs (real loopback
 * TCP), AudioSocket parser throughput, resampler/codec and VAD real-time
 * factors. Prints tables and returns JSON for bench/results/.
 * Env: MEDIA_BENCH_LEGS="1,50,200", MEDIA_BENCH_SECONDS=5.
 */
import { table } from '../lib/stats.js';
import { benchPacer, type PacerBenchRow } from './pacer-bench.js';
import { benchConverter, benchParser, benchVad, CONVERSIONS, type RtfRow } from './codec-bench.js';

export interface MediaBenchResult {
  pacer: PacerBenchRow[];
  parser: ReturnType<typeof benchParser>;
  conversion: RtfRow[];
}

export async function runMediaBench(opts: { legs?: number[]; seconds?: number } = {}): Promise<MediaBenchResult> {
  const legs = opts.legs ?? (process.env.MEDIA_BENCH_LEGS ?? '1,50,200').split(',').map(Number).filter((n) => n > 0);
  const seconds = opts.seconds ?? Number(process.env.MEDIA_BENCH_SECONDS ?? 5);

  const pacer: PacerBenchRow[] = [];
  for (const n of legs) {
    const row = await benchPacer(n, seconds);
    pacer.push(row);
  }
  console.log('Outbound pacer (AudioSocket over loopback TCP, one shared timer; lateness = send time − deadline)');
  console.log(table(pacer.map((r) => ({ ...r }))));

  const parser = benchParser();
  console.log('AudioSocket parser (320-byte slin frames, 64 KiB reads)');
  console.log(table([{ ...parser }]));

  const conversion: RtfRow[] = [];
  for (const [from, to] of CONVERSIONS) conversion.push(await benchConverter(from, to));
  conversion.push(await benchVad());
  console.log('Conversion and VAD (20 ms chunks; rtf = processing time / audio time, one thread)');
  console.log(table(conversion.map((r) => ({ ...r }))));

  return { pacer, parser, conversion };
}
