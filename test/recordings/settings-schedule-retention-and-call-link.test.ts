import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';
import { makeHarness, type Harness } from './support/harness.js';
import { createRecordingsService, type RecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { PASSWORD_SECRET } from '../../engine/src/recordings/recordings-settings.js';
import { runSyncOnce } from '../../engine/src/recordings/sync-cli.js';

describe('recordings service: settings, schedule, retention, call link, CLI', () => {
  let server: FakeAriRecordingsServer;
  let h: Harness;
  let service: RecordingsService | undefined;

  beforeEach(async () => {
    server = new FakeAriRecordingsServer();
    await server.listen();
  });
  afterEach(async () => {
    await service?.stop(Date.now() + 1000);
    service = undefined;
    await server.close();
    h.close();
  });

  it('saves settings with the password in the secret store only, and Test Connection uses unsaved form values', async () => {
    h = makeHarness({ port: 1, username: 'sync-ro', password: '' });
    service = createRecordingsService(h.ctx, { analysis: false });
    const hs = service.handlers!;
    // A separate user never borrows the engine's ARI password.
    expect(await hs['recordings.settings']!(undefined)).toMatchObject({ port: 1, username: 'sync-ro', passwordSet: false, sameAsEngine: false, intervalMinutes: 10, concurrency: 4 });

    // the form's values before saving
    const diag = await hs['recordings.testConnection']!({ port: server.port, username: 'aiagent', password: 'aiagentpass' });
    expect(diag.cause).toBe('no_recordings');

    await hs['recordings.saveSettings']!({ enabled: false, host: '127.0.0.1', port: server.port, username: 'aiagent', password: 'aiagentpass', tls: false, intervalMinutes: 5 });
    expect(h.ctx.secrets.get(PASSWORD_SECRET)).toBe('aiagentpass');
    const stored = JSON.stringify(h.ctx.db.prepare('SELECT value_json FROM settings').all());
    expect(stored).not.toContain('aiagentpass');
    const view = await hs['recordings.settings']!(undefined);
    expect(view).toMatchObject({ port: server.port, passwordSet: true, intervalMinutes: 5 });
    expect(JSON.stringify(view)).not.toContain('aiagentpass');

    // a pasted openssl fingerprint line is stored in canonical form; junk is refused by name
    const fp = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0')).join(':');
    await hs['recordings.saveSettings']!({ enabled: false, host: '127.0.0.1', port: server.port, username: 'aiagent', tls: true, intervalMinutes: 5, trustFingerprint: `sha256 Fingerprint=${fp}` });
    expect((await hs['recordings.settings']!(undefined)).trustFingerprint).toBe(fp.toUpperCase());
    expect(() => hs['recordings.saveSettings']!({ enabled: false, host: '127.0.0.1', port: server.port, username: 'aiagent', tls: true, intervalMinutes: 5, trustFingerprint: 'abc' })).toThrow(/trustFingerprint/);

    // saving without a password keeps it
    await hs['recordings.saveSettings']!({ enabled: false, host: '127.0.0.1', port: server.port, username: 'aiagent', tls: false, intervalMinutes: 5 });
    expect(h.ctx.secrets.get(PASSWORD_SECRET)).toBe('aiagentpass');
    server.add(freepbxName(1), toneWav(1));
    expect(await hs['recordings.syncNow']!(undefined)).toMatchObject({ downloaded: 1 });
  });

  it('the interval timer runs the sync when enabled; the health shows the result', async () => {
    server.add(freepbxName(0), toneWav(0));
    h = makeHarness({ port: server.port, enabled: true });
    service = createRecordingsService(h.ctx, { analysis: false, firstSyncDelayMs: 10 });
    const finished = new Promise((r) => h.ctx.bus.subscribe((e) => e.type === 'sync.finished' && r(e)));
    await service.start();
    expect(await finished).toMatchObject({ summary: { downloaded: 1 } });
    const report = {} as Parameters<NonNullable<RecordingsService['contributeHealth']>>[0];
    service.contributeHealth!(report);
    expect(report.recordings).toMatchObject({ enabled: true, last_result: 'ok' });
  });

  it('switching sync on from Settings syncs soon', async () => {
    server.add(freepbxName(0), toneWav(0));
    h = makeHarness({ port: server.port });
    service = createRecordingsService(h.ctx, { analysis: false, enableSyncDelayMs: 10 });
    await service.start();
    const finished = new Promise((r) => h.ctx.bus.subscribe((e) => e.type === 'sync.finished' && r(e)));
    await service.handlers!['recordings.saveSettings']!({ enabled: true, host: '127.0.0.1', port: server.port, username: 'aiagent', tls: false, intervalMinutes: 10 });
    expect(await finished).toMatchObject({ summary: { downloaded: 1 } });
  });

  it('links a recording to the engine call with the same uniqueid', async () => {
    const name = 'monitor/2026/11/21/in-2125550123-7175882255-20261121-065046-1795243846.27';
    server.add(name, toneWav(3));
    h = makeHarness({ port: server.port });
    h.ctx.db
      .prepare("INSERT INTO calls (id, channel_id, unique_id, context, provider, transport, started_at) VALUES ('call-1', '1795243846.27', '1795243846.27', 'demo', 'echo', 'audiosocket', ?)")
      .run(Date.UTC(2026, 10, 21, 6, 50, 46));
    h.ctx.db.prepare("INSERT INTO turns (call_id, turn, provider, end_of_speech_at, first_audio_ms) VALUES ('call-1', 1, 'echo', ?, 640)").run(Date.UTC(2026, 10, 21, 6, 50, 52));
    service = createRecordingsService(h.ctx, { analysis: false });
    await service.sync();
    const [r] = await service.handlers!['recordings.list']!({});
    expect(r!.callId).toBe('call-1');
    expect(() => service!.handlers!['recordings.list']!({ from: 'yesterday' })).toThrow(/from: "yesterday" is not a date/);
    const d = await service.handlers!['recordings.get']!({ id: r!.id });
    expect(d!.latencyMarkers).toEqual([{ atSec: 6, latencyMs: 640 }]);

    // a call recorded before the engine row existed is linked by a later sync
    const late = 'monitor/2026/11/21/out-7175882255-200-20261121-070000-1795244400.9';
    server.add(late, toneWav(4));
    await service.sync();
    h.ctx.db.prepare("INSERT INTO calls (id, channel_id, unique_id, context, provider, transport, started_at) VALUES ('call-2', 'x', '1795244400.9', 'demo', 'echo', 'audiosocket', 0)").run();
    await service.sync();
    expect((await service.handlers!['recordings.list']!({ number: '7175882255' }))[0]!.callId).toBe('call-2');
  });

  it('retention removes old files and does not fetch them again', async () => {
    const old = 'monitor/2020/01/02/out-600-201-20200102-120000-1577966400.1';
    const recent = freepbxName(0, Date.now() - 3_600_000);
    server.add(recent, toneWav(1));
    h = makeHarness({ port: server.port });
    service = createRecordingsService(h.ctx, { analysis: false });
    server.add(old, toneWav(2));
    expect(await service.sync()).toMatchObject({ downloaded: 2 });
    const oldRow = (await service.handlers!['recordings.list']!({ number: '600' }))[0]!;
    const oldFile = service.resolveMedia!(`recordings/${oldRow.id}/audio`)!.file;
    expect(existsSync(oldFile)).toBe(true);

    await service.handlers!['recordings.saveSettings']!({ enabled: false, host: '127.0.0.1', port: server.port, username: 'aiagent', tls: false, intervalMinutes: 10, retentionDays: 30 });
    const s = await service.sync();
    expect(s).toMatchObject({ downloaded: 0, found: 2 });
    expect(existsSync(oldFile)).toBe(false);
    expect((await service.handlers!['recordings.get']!({ id: oldRow.id }))!.statusReason).toBe('removed by retention');
    const again = await service.sync();
    expect(again.downloaded).toBe(0);
    expect(existsSync(join(service.dir, 'monitor/2020'))).toBe(true); // empty folder kept; files gone
    expect(existsSync(oldFile)).toBe(false);
  });

  it('sync --once draws a progress bar on a TTY and returns an exit code', async () => {
    server.add(freepbxName(0), toneWav(0));
    h = makeHarness({ port: server.port });
    let text = '';
    const tty = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          text += chunk.toString();
          cb();
        },
      }),
      { isTTY: true },
    );
    expect(await runSyncOnce({ engineCtx: h.ctx, out: tty, analyze: false })).toBe(0);
    expect(text).toMatch(/\r\[#+\] done 1 downloaded, 0 failed/);
    expect(text).toMatch(/found 1, downloaded 1, unchanged 0, failed 0/);

    server.opts.refuseFiles = true;
    server.add(freepbxName(1), toneWav(1));
    expect(await runSyncOnce({ engineCtx: h.ctx, out: tty, analyze: false })).toBe(2);
    server.opts.recordingsModule = false;
    expect(await runSyncOnce({ engineCtx: h.ctx, out: tty, analyze: false })).toBe(1);
    expect(text).toMatch(/sync failed: .*res_ari_recordings/);
  });
});
