import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';
import { makeHarness, type Harness } from './support/harness.js';
import { createRecordingsService, type RecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { hasFixtures, readFixture } from '../support/shared-fixtures.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('recordings sync from a FreePBX over ARI', () => {
  let server: FakeAriRecordingsServer;
  let h: Harness;
  let service: RecordingsService;
  const names = Array.from({ length: 12 }, (_, i) => freepbxName(i));

  beforeEach(async () => {
    server = new FakeAriRecordingsServer();
    names.forEach((n, i) => server.add(n, toneWav(i, 100 + i * 10)));
    server.add('ari-bridge-test-1795242891855', toneWav(99));
    server.add('monitor/2026/11/21/out-7175882255-200-20261121-065046-1795243846.24', hasFixtures ? readFixture('ari', 'recordings', 'sample-recording.wav') : toneWav(7, 1000));
    const port = await server.listen();
    h = makeHarness({ port, concurrency: 3 });
    service = createRecordingsService(h.ctx, { analysis: false });
  });

  afterEach(async () => {
    await service.stop(Date.now() + 1000);
    await server.close();
    h.close();
  });

  it('downloads every listed recording once, byte-exact, with metadata from names and headers', async () => {
    const first = await service.sync();
    expect(first.error).toBeUndefined();
    expect(first).toMatchObject({ found: 14, downloaded: 14, failed: 0, skipped: 0 });
    // every /file request used %2F, never a literal slash
    expect(server.fileRequests().every((r) => r.status === 200 && /^\/ari\/recordings\/stored\/[^/]+\/file$/.test(r.path))).toBe(true);

    const files = filesUnder(service.dir).filter((f) => !f.includes('/.partial/') && !f.endsWith('.sync.lock'));
    expect(files).toHaveLength(14);
    for (const [name, rec] of server.recordings) {
      const row = h.ctx.db.prepare('SELECT file_path, status, size_bytes FROM recordings WHERE name = ?').get(name) as { file_path: string; status: string; size_bytes: number };
      expect(row.status).toBe('downloaded');
      expect(readFileSync(join(service.dir, row.file_path)).equals(rec.body as Buffer)).toBe(true);
      expect(row.size_bytes).toBe((rec.body as Buffer).length);
    }

    const list = await service.handlers!['recordings.list']!({});
    expect(list).toHaveLength(14);
    const sample = list.find((r) => r.name.endsWith('1795243846.24'))!;
    expect(sample).toMatchObject({ direction: 'out', destination: '7175882255', source: '200', uniqueId: '1795243846.24', startedAt: '2026-11-21T06:50:46.000Z', sampleRate: 8000, channels: 1 });
    if (hasFixtures) expect(sample.durationSec).toBeCloseTo(16.0, 2);
    const raw = list.find((r) => r.name === 'ari-bridge-test-1795242891855')!;
    expect(raw.direction).toBeUndefined();
    expect(raw.startedAt).toBeUndefined();

    // progress and row events reached the bus
    const types = h.events.map((e) => e.type);
    expect(types.filter((t) => t === 'recording.updated')).toHaveLength(14);
    expect(types.at(-1)).toBe('sync.finished');
    const done = h.events.filter((e) => e.type === 'sync.progress').at(-1);
    expect(done).toMatchObject({ progress: { phase: 'done', found: 14, downloaded: 14, bytes: first.bytes } });

    // second sync: nothing new, nothing downloaded; each stored file is only compared by the
    // size in its GET /file headers (the listing has no size; ARI has no HEAD)
    const before = server.fileRequests().length;
    const second = await service.sync();
    expect(second).toMatchObject({ found: 14, downloaded: 0, skipped: 14, failed: 0, bytes: 0 });
    expect(server.fileRequests().length - before).toBe(14);
    expect((h.ctx.db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }).n).toBe(14);

    // a new recording on the PBX → exactly that one is fetched
    server.add(freepbxName(500), toneWav(500));
    const third = await service.sync();
    expect(third).toMatchObject({ found: 15, downloaded: 1, skipped: 14 });
    // progress counts the work found (1 new recording), so the bar reaches its end
    expect(h.events.filter((e) => e.type === 'sync.progress').at(-1)).toMatchObject({ progress: { phase: 'done', found: 1, downloaded: 1 } });
    expect(await service.handlers!['recordings.lastSync']!(undefined)).toEqual(third);
    const health = { recordings: undefined } as unknown as Parameters<NonNullable<RecordingsService['contributeHealth']>>[0];
    service.contributeHealth!(health);
    expect(health.recordings).toMatchObject({ enabled: false, last_result: 'ok', last_sync_at: third.finishedAt });
  });

  it('leaves a call that is still being recorded (WAV sizes not written yet) for the next sync', async () => {
    const name = freepbxName(900);
    const final = toneWav(900, 300);
    const growing = Buffer.from(final);
    growing.writeUInt32LE(0, 4); // Asterisk writes RIFF and data sizes when it closes the file
    growing.writeUInt32LE(0, 40);
    server.add(name, growing);
    await service.sync();
    const row = (await service.handlers!['recordings.list']!({})).find((r) => r.name === name)!;
    expect(row.status).toBe('pending');
    expect(row.statusReason).toMatch(/still being recorded/);
    expect(service.resolveMedia!(`recordings/${row.id}/audio`)).toBeUndefined();

    server.add(name, final); // MixMonitor closed the file
    const next = await service.sync();
    expect(next.downloaded).toBe(1);
    const done = (await service.handlers!['recordings.list']!({})).find((r) => r.name === name)!;
    expect(done).toMatchObject({ status: 'downloaded', sizeBytes: final.length });
    expect(done.statusReason).toBeUndefined();
  });

  it('runs Sync now and a concurrent trigger as one job, and serves the audio as media', async () => {
    const [a, b] = await Promise.all([service.sync(), service.handlers!['recordings.syncNow']!(undefined)]);
    expect(a).toBe(b);
    expect(server.requests.filter((r) => r.path === '/ari/recordings/stored')).toHaveLength(1);
    const [one] = await service.handlers!['recordings.list']!({ direction: 'in', limit: 1 });
    const media = service.resolveMedia!(`recordings/${one!.id}/audio`);
    expect(media?.contentType).toBe('audio/wav');
    expect(statSync(media!.file).size).toBe(one!.sizeBytes);
    expect(relative(service.dir, media!.file).startsWith('..')).toBe(false);
    expect(service.resolveMedia!('recordings/../../etc/passwd/audio')).toBeUndefined();
  });
});
