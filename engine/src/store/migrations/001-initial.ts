/** Migration 1: every table the product needs. Later migrations append; never edit a shipped one. */
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  unique_id TEXT,
  linked_id TEXT,
  caller_name TEXT,
  caller_number TEXT,
  context TEXT NOT NULL,
  provider TEXT NOT NULL,
  transport TEXT NOT NULL,
  greeting TEXT,
  prompt TEXT,
  sources_json TEXT,
  state TEXT NOT NULL DEFAULT 'setup',
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT,
  transfer_target TEXT,
  error TEXT
);
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_unique ON calls(unique_id);
CREATE INDEX calls_outcome ON calls(outcome);

CREATE TABLE turns (
  call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  turn INTEGER NOT NULL,
  provider TEXT NOT NULL,
  end_of_speech_at INTEGER NOT NULL,
  stt_final_ms REAL,
  llm_first_token_ms REAL,
  tts_first_byte_ms REAL,
  first_audio_ms REAL,
  barge_in_reaction_ms REAL,
  PRIMARY KEY (call_id, turn)
);
CREATE INDEX turns_time ON turns(end_of_speech_at);

CREATE TABLE transcript_lines (
  call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (call_id, seq)
);

CREATE TABLE tool_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  args_json TEXT,
  result_json TEXT,
  ok INTEGER NOT NULL,
  at INTEGER NOT NULL
);

CREATE VIRTUAL TABLE transcript_fts USING fts5(text, call_id UNINDEXED, role UNINDEXED, tokenize = 'unicode61');

CREATE TABLE recordings (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  direction TEXT,
  source TEXT,
  destination TEXT,
  started_at INTEGER,
  unique_id TEXT,
  format TEXT,
  file_path TEXT,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  duration_sec REAL,
  sample_rate INTEGER,
  channels INTEGER,
  status TEXT NOT NULL,
  status_reason TEXT,
  remote_size INTEGER,
  remote_etag TEXT,
  synced_at INTEGER,
  call_id TEXT
);
CREATE INDEX recordings_started ON recordings(started_at);
CREATE INDEX recordings_unique ON recordings(unique_id);

CREATE TABLE recording_analysis (
  recording_id TEXT PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
  transcriber TEXT,
  segments_json TEXT,
  sentiment_label TEXT,
  sentiment_score REAL,
  stats_json TEXT,
  summary TEXT,
  reasons_json TEXT,
  analyzed_at INTEGER
);

CREATE VIRTUAL TABLE recording_fts USING fts5(text, recording_id UNINDEXED, tokenize = 'unicode61');

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  UNIQUE (kind, subject)
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE test_calls (
  id TEXT PRIMARY KEY,
  context TEXT,
  destination TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  report_json TEXT NOT NULL,
  engine_call_id TEXT
);

CREATE TABLE host_keys (
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  PRIMARY KEY (host, port)
);
`,
};
