/**
 * Migration 40 (integrations): the pre-call lookup of each call, tool-call
 * timing and errors, and the durable queue of post-call webhook deliveries
 * (pending rows survive an engine restart; dead letters wait for a resend).
 */
export const migration040 = {
  version: 40,
  name: 'integrations',
  sql: `
CREATE TABLE call_precall (
  call_id TEXT PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  variables_json TEXT NOT NULL,
  duration_ms INTEGER,
  error TEXT,
  at INTEGER NOT NULL
);
ALTER TABLE tool_calls ADD COLUMN duration_ms INTEGER;
ALTER TABLE tool_calls ADD COLUMN error TEXT;
ALTER TABLE tool_calls ADD COLUMN kind TEXT;
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL DEFAULT 'post_call',
  call_id TEXT,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
`,
};
