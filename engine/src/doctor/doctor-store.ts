/**
 * Persistence for the doctor: pinned SSH host keys (host_keys, migration 1)
 * and apply batches for rollback (doctor_apply_batches, migration 30).
 */
import type { Db } from '../store/database.js';
import type { HostKeyStore } from './ssh-session.js';
import type { ReloadKind } from './fixes.js';

export interface ApplyBatch {
  id?: number;
  host: string;
  port: number;
  rootPrefix: string;
  appliedAt: number;
  fixIds: string[];
  /** backup undefined: the file did not exist (rollback deletes it). */
  files: { file: string; backup?: string }[];
  undo: string[];
  reload: ReloadKind[];
}

export interface ApplyLedger {
  record(batch: ApplyBatch): number;
  /** The newest batch for host:port (and root prefix) that was not rolled back. */
  latest(host: string, port: number, rootPrefix: string): ApplyBatch | undefined;
  markRolledBack(id: number): void;
}

export class DbHostKeyStore implements HostKeyStore {
  constructor(private readonly db: Db) {}
  get(host: string, port: number): string | undefined {
    const row = this.db.prepare('SELECT fingerprint FROM host_keys WHERE host = ? AND port = ?').get(host, port) as { fingerprint: string } | undefined;
    return row?.fingerprint;
  }
  pin(host: string, port: number, fingerprint: string): void {
    this.db
      .prepare('INSERT INTO host_keys (host, port, fingerprint, accepted_at) VALUES (?, ?, ?, ?) ON CONFLICT(host, port) DO UPDATE SET fingerprint = excluded.fingerprint, accepted_at = excluded.accepted_at')
      .run(host, port, fingerprint, Date.now());
  }
  forget(host: string, port: number): boolean {
    return this.db.prepare('DELETE FROM host_keys WHERE host = ? AND port = ?').run(host, port).changes > 0;
  }
}

interface BatchRow {
  id: number;
  host: string;
  port: number;
  root_prefix: string;
  applied_at: number;
  fix_ids_json: string;
  files_json: string;
  undo_json: string;
  reload_json: string;
}

export class DbApplyLedger implements ApplyLedger {
  constructor(private readonly db: Db) {}
  record(b: ApplyBatch): number {
    const r = this.db
      .prepare('INSERT INTO doctor_apply_batches (host, port, root_prefix, applied_at, fix_ids_json, files_json, undo_json, reload_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(b.host, b.port, b.rootPrefix, b.appliedAt, JSON.stringify(b.fixIds), JSON.stringify(b.files), JSON.stringify(b.undo), JSON.stringify(b.reload));
    return Number(r.lastInsertRowid);
  }
  latest(host: string, port: number, rootPrefix: string): ApplyBatch | undefined {
    const row = this.db
      .prepare('SELECT * FROM doctor_apply_batches WHERE host = ? AND port = ? AND root_prefix = ? AND rolled_back_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(host, port, rootPrefix) as BatchRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      host: row.host,
      port: row.port,
      rootPrefix: row.root_prefix,
      appliedAt: row.applied_at,
      fixIds: JSON.parse(row.fix_ids_json) as string[],
      files: JSON.parse(row.files_json) as ApplyBatch['files'],
      undo: JSON.parse(row.undo_json) as string[],
      reload: JSON.parse(row.reload_json) as ReloadKind[],
    };
  }
  markRolledBack(id: number): void {
    this.db.prepare('UPDATE doctor_apply_batches SET rolled_back_at = ? WHERE id = ?').run(Date.now(), id);
  }
}
