/**
 * The engine's connection never checkpoints the WAL itself while the
 * checkpointer runs (a checkpoint inside a commit held the media clock's
 * thread): a worker thread with its own connection does, and the data stays
 * whole. When the checkpointer stops, SQLite checkpoints automatically again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../engine/src/store/database.js';
import { startWalCheckpointer } from '../../engine/src/store/wal-checkpointer.js';
import { until } from '../fakes/asterisk/index.js';

let dir: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const autocheckpoint = (d: Db) => Number(d.pragma('wal_autocheckpoint', { simple: true }));

describe('WAL checkpoints', () => {
  it('run in a worker thread while the engine writes, and come back to SQLite when it stops', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-wal-'));
    const file = join(dir, 'aava.db');
    db = openDatabase(file);
    db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    const cp = startWalCheckpointer(db, { everyMs: 20 });
    expect(cp).toBeDefined();
    expect(autocheckpoint(db)).toBe(0);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const batch = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(500));
    });
    // Far more than 1,000 pages of WAL: with the automatic checkpoint off, only the worker moves it into the database.
    for (let i = 0; i < 40; i++) batch(200);
    await until(() => cp!.checkpoints >= 2, 'the worker checkpointed');
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(r!.checkpointed).toBe(r!.log);
    await cp!.stop();
    expect(autocheckpoint(db)).toBe(1000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 8000 });
  });

  it('is not started for an in-memory database', () => {
    db = openDatabase(':memory:');
    expect(startWalCheckpointer(db)).toBeUndefined();
    expect(autocheckpoint(db)).toBe(1000);
  });
});
