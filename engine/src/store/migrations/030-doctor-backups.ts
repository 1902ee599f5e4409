/** Migration 30 (doctor): what each doctor.apply changed on a PBX, so doctor.rollback can restore it. */
export const migration030 = {
  version: 30,
  name: 'doctor-apply-batches',
  sql: `
CREATE TABLE doctor_apply_batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  root_prefix TEXT NOT NULL DEFAULT '',
  applied_at INTEGER NOT NULL,
  fix_ids_json TEXT NOT NULL,
  files_json TEXT NOT NULL,
  undo_json TEXT NOT NULL,
  reload_json TEXT NOT NULL,
  rolled_back_at INTEGER
);
CREATE INDEX doctor_apply_batches_host ON doctor_apply_batches(host, port, applied_at);
`,
};
