/**
 * Recordings bench: a full sync of 2,000 small WAVs from a local fake ARI
 * (recordings/s, MiB/s, peak RSS of this process), and a no-change re-sync
 * against a 10,000-entry listing (seconds). The fake ARI runs in a child
 * process. Also the local transcriber's real-time factor. Env:
 * RECORDINGS_BENCH_COUNT=2000, RECORDINGS_BENCH_LISTING=10000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { table, round } from '../lib/stats.js';
import { makeHarness } from '../../test/recordings/support/harness.js';
import { createRecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { RecordingsRepo } from '../../engine/src/recordings/recordings-repo.js';
import { parseRecordingName } from '../../engine/src/recordings/freepbx-name.js';
import { recordingId, localRelativePath } from '../../engine/src/recordings/sync-plan.js';
import { freepbxName, toneWav } from '../../test/fakes/ari-recordings/recordings-set.js';
import { localTranscriber } from '../../engine/src/analysis/transcribers.js';
import { resamplePcm16 } from '../../engine/src/analysis/pcm.js';
import { synthesize } from '../../engine/src/speech/flite.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';
import { encodeWav, parseWavHeader } from '../../engine/src/media/wav.js';

const CHILD = join(import.meta.dirname, 'fake-ari-child.ts');

async function startFake(count: number, durationMs: number): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(count), String(durationMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    rl.once('line', (l) => resolve(Number(l)));
    child.once('exit', (code) => reject(new Error(`fake ARI exited with ${code}`)));
  });
  rl.close();
  return { port, child };
}

function stopFake(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    child.once('exit', () => r());
    child.stdin!.end();
  });
}

export interface RecordingsBenchResult {
  localTranscription?: { audioSec: number; seconds: number; rtf: number; channels: number };
  fullSync: { recordings: number; seconds: number; recordingsPerSec: number; mibPerSec: number; peakRssMiB: number; rssGrowthMiB: number; concurrency: number };
  noChangeResync: { listing: number; seconds: number; downloaded: number };
}

async function benchFullSync(count: number): Promise<RecordingsBenchResult['fullSync']> {
  const { port, child } = await startFake(count, 200);
  const h = makeHarness({ port, concurrency: 4 }, { captureEvents: false });
  const service = createRecordingsService(h.ctx, { analysis: false });
  try {
    global.gc?.();
    const rssStart = process.memoryUsage().rss;
    let peak = rssStart;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = process.hrtime.bigint();
    const s = await service.sync();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (s.error || s.downloaded !== count) throw new Error(`full sync: ${s.error ?? `${s.downloaded} of ${count} downloaded, ${s.failed} failed`}`);
    return {
      recordings: count,
      seconds: round(seconds, 3),
      recordingsPerSec: round(count / seconds, 1),
      mibPerSec: round(s.bytes / 1048576 / seconds, 2),
      peakRssMiB: round(peak / 1048576, 1),
      rssGrowthMiB: round((peak - rssStart) / 1048576, 1),
      concurrency: 4,
    };
  } finally {
    await service.stop(Date.now() + 2000);
    await stopFake(child);
    h.close();
  }
}

async function benchNoChange(listing: number): Promise<RecordingsBenchResult['noChangeResync']> {
  const { port, child } = await startFake(listing, 20);
  const h = makeHarness({ port }, { captureEvents: false });
  const service = createRecordingsService(h.ctx, { analysis: false });
  try {
    // The state after an earlier full sync: every listed file on disk with its row.
    const repo = new RecordingsRepo(h.ctx.db);
    const wav = toneWav(0, 20);
    h.ctx.db.transaction(() => {
      for (let i = 0; i < listing; i++) {
        const name = freepbxName(i);
        const rel = localRelativePath(name, 'wav');
        const file = join(service.dir, rel);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, wav);
        repo.saveDownloaded({ id: recordingId(name), name, parsed: parseRecordingName(name), format: 'wav', filePath: rel, sizeBytes: wav.length, analyzable: false });
      }
    })();
    const t0 = process.hrtime.bigint();
    const s = await service.sync();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s.error || s.skipped !== listing) throw new Error(`re-sync: ${s.error ?? `${s.skipped} of ${listing} unchanged`}`);
    return { listing, seconds: round(seconds, 3), downloaded: s.downloaded };
  } finally {
    await service.stop(Date.now() + 2000);
    await stopFake(child);
    h.close();
  }
}

/** Local analysis speed: flite speech in an 8 kHz stereo file, both channels through pocketsphinx (rtf = wall time / audio time). */
async function benchLocalTranscription(): Promise<RecordingsBenchResult['localTranscription']> {
  if (!pocketsphinxHealth().ready) return undefined;
  const text = 'Thank you for calling the billing department. Your invoice was corrected yesterday and the refund is on its way. Is there anything else I can help you with today?';
  const a = await synthesize(text, { voice: 'kal16' });
  const b = await synthesize(text, { voice: 'slt' });
  const left = resamplePcm16(a.pcm, a.sampleRate, 8000);
  const right = resamplePcm16(b.pcm, b.sampleRate, 8000);
  const frames = Math.max(left.length, right.length) / 2;
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < left.length / 2; i++) pcm.writeInt16LE(left.readInt16LE(i * 2), i * 4);
  for (let i = 0; i < right.length / 2; i++) pcm.writeInt16LE(right.readInt16LE(i * 2), i * 4 + 2);
  const wav = encodeWav(pcm, 8000, 2);
  const t0 = process.hrtime.bigint();
  await localTranscriber().transcribe({ wav, info: parseWavHeader(wav) });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const audioSec = frames / 8000;
  return { audioSec: round(audioSec, 2), seconds: round(seconds, 3), rtf: round(seconds / audioSec, 3), channels: 2 };
}

export async function runRecordingsBench(): Promise<RecordingsBenchResult> {
  const count = Number(process.env.RECORDINGS_BENCH_COUNT ?? 2000);
  const listing = Number(process.env.RECORDINGS_BENCH_LISTING ?? 10000);
  const fullSync = await benchFullSync(count);
  console.log(`Full sync of ${count} small WAVs (3.2 kB each, 8 kHz) from a local fake ARI (child process), concurrency 4`);
  console.log(table([{ ...fullSync }]));
  const noChangeResync = await benchNoChange(listing);
  console.log(`No-change re-sync of a ${listing}-entry listing (all files present locally)`);
  console.log(table([{ ...noChangeResync }]));
  const localTranscription = await benchLocalTranscription();
  if (localTranscription) {
    console.log('Local transcription (pocketsphinx, 8 kHz stereo upsampled to 16 kHz, one process per channel)');
    console.log(table([{ ...localTranscription }]));
  }
  return { fullSync, noChangeResync, localTranscription };
}

// Allow `tsx bench/recordings/index.ts` on its own.
if (process.argv[1] && import.meta.filename === process.argv[1]) console.log(JSON.stringify(await runRecordingsBench(), null, 2));
