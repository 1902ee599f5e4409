/** Migration 10 (recordings): bookkeeping columns and the indexes sync, search and the job queue use. */
export const migration010 = {
  version: 10,
  name: 'recordings-sync',
  sql: `
ALTER TABLE recordings ADD COLUMN updated_at INTEGER;
ALTER TABLE recordings ADD COLUMN download_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recordings ADD COLUMN analyzable INTEGER NOT NULL DEFAULT 0;
CREATE INDEX recordings_status ON recordings(status);
CREATE INDEX recordings_direction ON recordings(direction, started_at);
CREATE INDEX recordings_synced ON recordings(synced_at);
CREATE INDEX recording_analysis_sentiment ON recording_analysis(sentiment_label);
CREATE INDEX jobs_due ON jobs(kind, state, next_run_at);
`,
};
