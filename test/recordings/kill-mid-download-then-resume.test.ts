import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';
import { writeConfig } from './support/harness.js';
import { runSyncOnce } from '../../engine/src/recordings/sync-cli.js';
import { openDatabase } from '../../engine/src/store/database.js';

const CHILD = join(import.meta.dirname, 'support', 'sync-child.ts');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('a sync killed with SIGKILL mid-download', () => {
  let server: FakeAriRecordingsServer;
  let root: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    // 8 recordings of 40 kB, sent in 4 kB chunks with a pause, so a kill lands inside a file
    server = new FakeAriRecordingsServer({ chunkBytes: 4096, chunkDelayMs: 4 });
    for (let i = 0; i < 8; i++) server.add(freepbxName(i), toneWav(i, 2500));
    await server.listen();
    root = mkdtempSync(join(tmpdir(), 'aava-kill-'));
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Runs the sync in a child and SIGKILLs it once the server has sent `killAfterBytes` file bytes. */
  async function syncAndKill(configPath: string, dataDir: string, killAfterBytes: number): Promise<NodeJS.Signals | null> {
    const startBytes = server.fileBytesSent;
    child = spawn(process.execPath, ['--import', 'tsx', CHILD, configPath, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = child;
    server.onFileBytes = (total) => {
      if (total - startBytes >= killAfterBytes && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    };
    const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => proc.once('exit', (code, sig) => r([code, sig])));
    server.onFileBytes = undefined;
    return signal;
  }

  it('resumes to the exact set: no duplicates, no partial files, byte-exact', async () => {
    const dataDir = join(root, 'data');
    const configPath = writeConfig(root, { port: server.port, concurrency: 2 });

    expect(await syncAndKill(configPath, dataDir, 30_000)).toBe('SIGKILL');
    expect(await syncAndKill(configPath, dataDir, 90_000)).toBe('SIGKILL');
    const recDir = join(dataDir, 'recordings');
    // The kills left evidence of an interrupted run (a stale lock, temp files, or missing rows)
    const dbBefore = openDatabase(join(dataDir, 'aava.db'));
    const rowsBefore = (dbBefore.prepare("SELECT COUNT(*) AS n FROM recordings WHERE status = 'downloaded'").get() as { n: number }).n;
    dbBefore.close();
    expect(rowsBefore).toBeLessThan(8);
    expect(existsSync(join(recDir, '.sync.lock'))).toBe(true);
    expect(walk(recDir).some((f) => f.endsWith('.part'))).toBe(true);

    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const code = await runSyncOnce({ configPath, dataDir, json: true, out, analyze: false });
    expect(code).toBe(0);
    const finished = JSON.parse(lines.at(-1)!) as { event: string; downloaded: number; failed: number; found: number };
    expect(finished).toMatchObject({ event: 'finished', found: 8, failed: 0 });
    expect(finished.downloaded).toBe(8 - rowsBefore);
    expect(lines.some((l) => (JSON.parse(l) as { event: string }).event === 'progress')).toBe(true);

    const db = openDatabase(join(dataDir, 'aava.db'));
    const rows = db.prepare('SELECT name, file_path, status FROM recordings ORDER BY name').all() as { name: string; file_path: string; status: string }[];
    db.close();
    expect(rows.map((r) => r.name)).toEqual([...server.recordings.keys()].sort());
    expect(rows.every((r) => r.status === 'downloaded')).toBe(true);
    const files = walk(recDir);
    expect(files.filter((f) => f.includes('/.partial/'))).toEqual([]);
    expect(files.some((f) => f.endsWith('.sync.lock'))).toBe(false);
    expect(files.filter((f) => f.endsWith('.wav')).sort()).toEqual(rows.map((r) => join(recDir, r.file_path)).sort());
    for (const r of rows) expect(readFileSync(join(recDir, r.file_path)).equals(server.recordings.get(r.name)!.body as Buffer)).toBe(true);
  });
});

describe('an engine stop during a sync', () => {
  it('cancels the downloads, removes their temp files and releases the lock', async () => {
    const { makeHarness } = await import('./support/harness.js');
    const { createRecordingsService } = await import('../../engine/src/recordings/recordings-service.js');
    const server = new FakeAriRecordingsServer({ chunkBytes: 2048, chunkDelayMs: 20 });
    for (let i = 0; i < 4; i++) server.add(freepbxName(i), toneWav(i, 2500));
    const h = makeHarness({ port: await server.listen() });
    const service = createRecordingsService(h.ctx, { analysis: false });
    try {
      const started = new Promise<void>((r) => (server.onFileBytes = (n) => n > 8000 && r()));
      const job = service.sync();
      await started;
      await service.stop(Date.now() + 5000);
      const summary = await job;
      expect(summary.error).toMatch(/abort|cancel/i);
      expect(summary.downloaded).toBeLessThan(4);
      expect(walk(join(service.dir, '.partial'))).toEqual([]);
      expect(existsSync(join(service.dir, '.sync.lock'))).toBe(false);
    } finally {
      await server.close();
      h.close();
    }
  });
});
