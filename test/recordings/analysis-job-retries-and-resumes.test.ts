import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHarness, type Harness } from './support/harness.js';
import { AnalysisQueue } from '../../engine/src/analysis/analysis-queue.js';
import { RecordingsRepo } from '../../engine/src/recordings/recordings-repo.js';
import { parseRecordingName } from '../../engine/src/recordings/freepbx-name.js';
import { recordingId } from '../../engine/src/recordings/sync-plan.js';
import { localTranscriber, type Transcriber } from '../../engine/src/analysis/transcribers.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';
import { toneWav } from '../fakes/ari-recordings/recordings-set.js';

describe('the analysis queue', () => {
  let h: Harness;
  let repo: RecordingsRepo;
  let dir: string;
  let clock: number;
  const name = 'monitor/2026/11/21/out-7175882255-200-20261121-065046-1795243846.24';
  const id = recordingId(name);

  beforeEach(() => {
    h = makeHarness({});
    repo = new RecordingsRepo(h.ctx.db);
    dir = join(h.dataDir, 'recordings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.wav'), toneWav(1, 500));
    repo.saveDownloaded({ id, name, parsed: parseRecordingName(name), format: 'wav', filePath: 'a.wav', sizeBytes: 8044, durationSec: 0.5, sampleRate: 8000, channels: 1, analyzable: true });
    clock = 1_000_000;
  });
  afterEach(() => h.close());

  function queue(t: Transcriber, maxAttempts = 3) {
    return new AnalysisQueue({ db: h.ctx.db, repo, log: h.ctx.log, dir, transcriber: () => t, now: () => clock, maxAttempts, backoffMs: (n) => 1000 * 2 ** (n - 1) });
  }
  const job = () => h.ctx.db.prepare("SELECT state, attempts, next_run_at, last_error FROM jobs WHERE kind = 'analyze' AND subject = ?").get(id) as { state: string; attempts: number; next_run_at: number; last_error: string | null };

  it('retries a failing job with exponential backoff, then succeeds once', async () => {
    let calls = 0;
    const q = queue({
      name: 'local',
      transcribe: async () => {
        calls++;
        if (calls < 3) throw new Error(`recognizer busy (${calls})`);
        return [{ startSec: 0, endSec: 0.4, speaker: 'speaker 1', text: 'thank you so much' }];
      },
    });
    expect(await q.drain()).toBe(1);
    expect(job()).toMatchObject({ state: 'queued', attempts: 1, next_run_at: clock + 1000, last_error: 'recognizer busy (1)' });
    expect(repo.summary(id)!.statusReason).toMatch(/attempt 1 failed, retrying/);
    expect(await q.drain()).toBe(0); // not due yet
    clock += 1000;
    expect(await q.drain()).toBe(1);
    expect(job()).toMatchObject({ attempts: 2, next_run_at: clock + 2000 });
    clock += 2000;
    expect(await q.drain()).toBe(1);
    expect(job().state).toBe('done');
    const s = repo.summary(id)!;
    expect(s).toMatchObject({ status: 'analyzed', sentiment: 'positive' });
    expect(s.statusReason).toBeUndefined();
    expect(calls).toBe(3);
    expect(await q.drain()).toBe(0); // one job per recording: nothing left
  });

  it('gives up after the last attempt and says why', async () => {
    const q = queue({ name: 'deepgram', transcribe: () => Promise.reject(new Error('401 invalid credentials')) }, 2);
    await q.drain();
    clock += 10_000;
    await q.drain();
    expect(job()).toMatchObject({ state: 'failed', attempts: 2 });
    expect(repo.summary(id)!.statusReason).toMatch(/analysis failed after 2 attempt\(s\): 401 invalid credentials/);
  });

  it('a job left running by a killed process is picked up again at start', async () => {
    h.ctx.db.prepare("UPDATE jobs SET state = 'running', attempts = 1").run();
    repo.setStatus(id, 'analyzing', null);
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const q = new AnalysisQueue({
      db: h.ctx.db,
      repo,
      log: h.ctx.log,
      dir,
      transcriber: () => ({ name: 'local', transcribe: async () => [] }),
      updated: (r) => r.status === 'analyzed' && done(),
    });
    q.start();
    await finished;
    await q.stop();
    expect(job().state).toBe('done');
    expect(repo.summary(id)!.status).toBe('analyzed');
  });
});

describe('with transcription off', () => {
  it('jobs wait, and are worked once a transcriber is configured', async () => {
    const h = makeHarness({});
    try {
      const repo = new RecordingsRepo(h.ctx.db);
      const dir = join(h.dataDir, 'recordings');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'b.wav'), toneWav(2, 300));
      const name = 'sip-call-1795243053455';
      repo.saveDownloaded({ id: recordingId(name), name, parsed: parseRecordingName(name), format: 'wav', filePath: 'b.wav', sizeBytes: 4844, analyzable: true });
      const current: { t?: Transcriber } = {};
      const q = new AnalysisQueue({ db: h.ctx.db, repo, log: h.ctx.log, dir, transcriber: () => current.t });
      expect(await q.drain()).toBe(0);
      expect(repo.summary(recordingId(name))!.status).toBe('downloaded');
      current.t = { name: 'local', transcribe: async () => [{ startSec: 0, endSec: 0.2, speaker: 'speaker 1', text: 'hello' }] };
      expect(await q.drain()).toBe(1);
      expect(repo.summary(recordingId(name))!.status).toBe('analyzed');
    } finally {
      h.close();
    }
  });
});

describe.skipIf(!pocketsphinxHealth().ready)('stopping the engine during a local transcription', () => {
  it('kills the recognizer and puts the job back in the queue', async () => {
    const h = makeHarness({});
    try {
      const repo = new RecordingsRepo(h.ctx.db);
      const dir = join(h.dataDir, 'recordings');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'long.wav'), toneWav(3, 60_000));
      const name = 'sip-call-1795243109684';
      const id = recordingId(name);
      repo.saveDownloaded({ id, name, parsed: parseRecordingName(name), format: 'wav', filePath: 'long.wav', sizeBytes: 960_044, analyzable: true });
      let analyzing!: () => void;
      const started = new Promise<void>((r) => (analyzing = r));
      const q = new AnalysisQueue({ db: h.ctx.db, repo, log: h.ctx.log, dir, transcriber: () => localTranscriber(), updated: (r) => r.status === 'analyzing' && analyzing() });
      q.start();
      await started;
      await q.stop();
      expect(repo.summary(id)!.status).toBe('downloaded');
      const job = h.ctx.db.prepare('SELECT state, attempts FROM jobs').get() as { state: string; attempts: number };
      expect(job).toEqual({ state: 'queued', attempts: 0 });
    } finally {
      h.close();
    }
  });
});
