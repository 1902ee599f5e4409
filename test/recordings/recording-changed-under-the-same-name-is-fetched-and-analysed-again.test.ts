/**
 * A recording that changes on the PBX under the same name (a MixMonitor file
 * that grew, a recording redone) is noticed by the size in the headers of its
 * GET /file — ARI's listing has only name and format, and Asterisk sends no
 * Last-Modified — downloaded again and analysed again; its old transcript
 * stays until the new one replaces it in one transaction. A Last-Modified,
 * when something in front of ARI sends it, also counts. Comparisons are
 * budgeted per run and rotate through the archive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';
import { makeHarness, type Harness } from './support/harness.js';
import { RecordingsRepo } from '../../engine/src/recordings/recordings-repo.js';
import { runSync } from '../../engine/src/recordings/sync-engine.js';
import { hasChanged } from '../../engine/src/recordings/change-check.js';
import { recordingId } from '../../engine/src/recordings/sync-plan.js';
import { AnalysisQueue } from '../../engine/src/analysis/analysis-queue.js';
import type { Transcriber } from '../../engine/src/analysis/transcribers.js';

describe('a recording changed on the PBX under the same name', () => {
  let server: FakeAriRecordingsServer;
  let h: Harness;
  let repo: RecordingsRepo;
  const dir = () => join(h.dataDir, 'recordings');

  async function start(opts: ConstructorParameters<typeof FakeAriRecordingsServer>[0] = {}) {
    server = new FakeAriRecordingsServer(opts);
    const port = await server.listen();
    h = makeHarness({ port });
    repo = new RecordingsRepo(h.ctx.db);
  }
  afterEach(async () => {
    await server.close();
    h.close();
  });

  const sync = (checkBudget?: number) =>
    runSync(repo, h.ctx.log, { endpoint: { host: '127.0.0.1', port: server.port, tls: false, username: 'aiagent', password: 'aiagentpass' }, dir: dir(), checkBudget });
  // A transcriber whose words depend on the file it hears (its length), like a real one.
  const byLength: Transcriber = { name: 'local', transcribe: async ({ info }) => [{ startSec: 0, endSec: info.durationSec, speaker: 'speaker 1', text: `recording of ${Math.round(info.durationSec * 10)} tenths` }] };
  const analyse = () => new AnalysisQueue({ db: h.ctx.db, repo, log: h.ctx.log, dir: dir(), transcriber: () => byLength }).drain();
  const search = (text: string) => repo.list({ text }).map((r) => r.name);

  it('is fetched again by size and its transcript replaced once the new one is ready', async () => {
    await start();
    const [grown, same] = [freepbxName(1), freepbxName(2)];
    server.add(grown, toneWav(1, 300)).add(same, toneWav(2, 400));
    expect(await sync()).toMatchObject({ downloaded: 2, failed: 0 });
    expect(await analyse()).toBe(2);
    expect(search('3 tenths')).toEqual([grown]);

    // The PBX appends to the file (MixMonitor's append option after a transfer): same name, bigger file.
    const longer = toneWav(1, 700);
    server.add(grown, longer);
    const before = server.fileRequests().length;
    const second = await sync();
    expect(second).toMatchObject({ found: 2, downloaded: 1, skipped: 1, failed: 0, bytes: longer.length });
    expect(server.fileRequests().length - before).toBe(3); // two comparisons, one download
    const row = repo.summary(recordingId(grown))!;
    expect(readFileSync(join(dir(), repo.row(row.id)!.file_path!)).equals(longer)).toBe(true);
    expect(row).toMatchObject({ status: 'downloaded', sizeBytes: longer.length });
    expect(row.statusReason).toMatch(/changed on the PBX/);
    // Until the new analysis is done the old transcript is still there (search finds it)…
    expect(search('3 tenths')).toEqual([grown]);
    expect(repo.detail(row.id)!.segments.map((s) => s.text)).toEqual(['recording of 3 tenths']);
    // …then it is replaced, text and search index together.
    expect(await analyse()).toBe(1);
    expect(search('3 tenths')).toEqual([]);
    expect(search('7 tenths')).toEqual([grown]);
    expect(repo.detail(row.id)!.segments.map((s) => s.text)).toEqual(['recording of 7 tenths']);
    expect(repo.summary(row.id)).toMatchObject({ status: 'analyzed' });
    expect(repo.summary(row.id)!.statusReason).toBeUndefined();
    expect(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM recording_fts WHERE recording_id = ?').get(row.id)).toEqual({ n: 1 });

    // Nothing changed: nothing is downloaded.
    expect(await sync()).toMatchObject({ downloaded: 0, skipped: 2, bytes: 0 });
  });

  it('also notices a same-size change when the server sends Last-Modified', async () => {
    await start({ lastModified: true });
    const name = freepbxName(3);
    server.add(name, toneWav(3, 300), 'wav', Date.UTC(2026, 10, 21, 7, 0, 0));
    expect(await sync()).toMatchObject({ downloaded: 1 });
    expect(await sync()).toMatchObject({ downloaded: 0 });
    const redone = toneWav(4, 300); // same length, other content
    server.add(name, redone, 'wav', Date.UTC(2026, 10, 21, 7, 5, 0));
    expect(await sync()).toMatchObject({ downloaded: 1 });
    expect(readFileSync(join(dir(), repo.row(recordingId(name))!.file_path!)).equals(redone)).toBe(true);
  });

  it('compares at most the budget per run, rotating through the archive', async () => {
    await start();
    const names = [0, 1, 2, 3, 4].map((i) => freepbxName(10 + i));
    names.forEach((n, i) => server.add(n, toneWav(i, 200)));
    expect(await sync(0)).toMatchObject({ downloaded: 5 });
    const compared: string[][] = [];
    for (let run = 0; run < 3; run++) {
      const before = server.fileRequests().length;
      expect(await sync(2)).toMatchObject({ downloaded: 0 });
      compared.push(server.fileRequests().slice(before).map((r) => decodeURIComponent(r.path.split('/')[4]!)));
    }
    expect(compared.map((c) => c.length)).toEqual([2, 2, 2]);
    // Five recordings, two per run: after three runs every one was compared at least once.
    expect(new Set(compared.flat()).size).toBe(5);
  });

  it('decides by size, and by version stamp only when both sides have one', () => {
    const stored = { remote_size: 1000, size_bytes: 1000, remote_etag: null };
    expect(hasChanged(stored, { size: 1000 })).toBe(false);
    expect(hasChanged(stored, { size: 1044 })).toBe(true);
    expect(hasChanged(stored, { size: 1000, version: 'Fri, 21 Nov 2026 07:00:00 GMT' })).toBe(false);
    const stamped = { ...stored, remote_etag: 'Fri, 21 Nov 2026 07:00:00 GMT' };
    expect(hasChanged(stamped, { size: 1000, version: 'Fri, 21 Nov 2026 07:05:00 GMT' })).toBe(true);
    expect(hasChanged(stamped, { size: 1000 })).toBe(false);
    expect(hasChanged({ remote_size: null, size_bytes: 500, remote_etag: null }, { size: 500 })).toBe(false);
  });
});
