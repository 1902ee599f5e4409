import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrate, schemaVersion } from '../../engine/src/store/database.js';
import { migrations } from '../../engine/src/store/migrations/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('store', () => {
  it('opens in WAL mode, applies every migration once and is re-openable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aava-db-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'aava.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const latest = Math.max(...migrations.map((m) => m.version));
    expect(schemaVersion(db)).toBe(latest);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['calls', 'turns', 'transcript_lines', 'tool_calls', 'recordings', 'recording_analysis', 'transcript_fts', 'recording_fts', 'jobs', 'settings', 'test_calls', 'host_keys']) {
      expect(tables).toContain(t);
    }
    db.close();
    const again = openDatabase(file);
    expect(migrate(again, migrations)).toBe(0);
    again.close();
  });

  it('full-text search over transcripts works (FTS5)', () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO transcript_fts (text, call_id, role) VALUES (?, ?, 'caller')").run('I would like to check my invoice balance', 'c1');
    db.prepare("INSERT INTO transcript_fts (text, call_id, role) VALUES (?, ?, 'caller')").run('what are your opening hours', 'c2');
    const rows = db.prepare('SELECT call_id FROM transcript_fts WHERE transcript_fts MATCH ?').all('invoice') as { call_id: string }[];
    expect(rows.map((r) => r.call_id)).toEqual(['c1']);
    db.close();
  });

  it('a failing migration rolls back whole and names itself', () => {
    const db = openDatabase(':memory:');
    const bad = [{ version: 999, name: 'broken', sql: 'CREATE TABLE ok_table (x); CREATE TABLE calls (x);' }];
    expect(() => migrate(db, [...migrations, ...bad])).toThrow(/calls already exists/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_table'").get()).toBeUndefined();
    expect(schemaVersion(db)).toBeLessThan(999);
    expect(() => migrate(db, [bad[0]!, { ...bad[0]!, name: 'dup' }])).toThrow(/duplicate migration version 999/);
    db.close();
  });
});
