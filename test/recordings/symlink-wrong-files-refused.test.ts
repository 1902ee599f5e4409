import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';
import { makeHarness, type Harness } from './support/harness.js';
import { createRecordingsService, type RecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { AriRecordingsClient } from '../../engine/src/recordings/ari-recordings-client.js';

describe('a FreePBX whose recording symlink points the wrong way', () => {
  let server: FakeAriRecordingsServer;
  let h: Harness;
  let service: RecordingsService;

  beforeEach(async () => {
    // pretty = no, as on a stock ari.conf: the error body is the 33-byte {"message":"Recording not found"}
    server = new FakeAriRecordingsServer({ refuseFiles: true, pretty: false });
    for (let i = 0; i < 3; i++) server.add(freepbxName(i), toneWav(i));
    h = makeHarness({ port: await server.listen() });
    service = createRecordingsService(h.ctx, { analysis: false });
  });

  afterEach(async () => {
    await service.stop(Date.now() + 1000);
    await server.close();
    h.close();
  });

  it('answers /file with the 33-byte JSON error, as Asterisk does', async () => {
    const client = new AriRecordingsClient({ host: '127.0.0.1', port: server.port, tls: false, username: 'aiagent', password: 'aiagentpass' });
    const res = await client.download(freepbxName(0), () => undefined);
    client.close();
    expect(res.status).toBe(404);
    expect(res.bytes).toBe(33);
    expect(res.errorBody).toBe('{"message":"Recording not found"}');
  });

  it('marks each recording failed with the symlink diagnosis and stores no file', async () => {
    const summary = await service.sync();
    expect(summary).toMatchObject({ found: 3, downloaded: 0, failed: 3 });
    const rows = await service.handlers!['recordings.list']!({});
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.status).toBe('failed');
      expect(r.statusReason).toMatch(/symlink/);
      expect(r.statusReason).toMatch(/Recording not found/);
      expect(r.statusReason).toMatch(/readlink \/var\/spool\/asterisk\/recording/);
    }
    const partial = join(service.dir, '.partial');
    expect(existsSync(partial) ? readdirSync(partial) : []).toEqual([]);
    expect((h.ctx.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(0);
    const failedEvents = h.events.filter((e) => e.type === 'sync.progress' && e.progress.reason);
    expect(failedEvents.length).toBe(3);

    // fixed on the PBX → the next sync fetches them
    server.opts.refuseFiles = false;
    const again = await service.sync();
    expect(again).toMatchObject({ downloaded: 3, failed: 0 });
    expect((await service.handlers!['recordings.list']!({})).every((r) => r.status === 'downloaded' && !r.statusReason)).toBe(true);
  });

  it('never stores a JSON error body sent with status 200 as audio', async () => {
    const name = freepbxName(7);
    server.opts.refuseFiles = false;
    server.add(name, Buffer.from('{"message":"Recording not found"}'));
    const summary = await service.sync();
    expect(summary.failed).toBe(1);
    const row = (await service.handlers!['recordings.list']!({})).find((r) => r.name === name)!;
    expect(row.status).toBe('failed');
    expect(row.statusReason).toMatch(/33-byte JSON error/);
    expect(row.statusReason).toMatch(/symlink/);
  });
});

describe('a download that stalls', () => {
  it('is cut after the idle timeout with ETIMEDOUT', async () => {
    const server = new FakeAriRecordingsServer({ chunkBytes: 1024, chunkDelayMs: 1500 });
    server.add(freepbxName(0), toneWav(0, 300));
    await server.listen();
    const client = new AriRecordingsClient({ host: '127.0.0.1', port: server.port, tls: false, username: 'aiagent', password: 'aiagentpass' }, { timeoutMs: 300 });
    let got = 0;
    await expect(client.download(freepbxName(0), (c) => void (got += c.length))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(got).toBe(1024);
    client.close();
    await server.close();
  });
});
