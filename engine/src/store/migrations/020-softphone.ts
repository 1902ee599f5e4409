/** Migration 20 (softphone range 20–29): indexes for listing test calls and linking them to engine calls. */
export const migration020 = {
  version: 20,
  name: 'softphone-test-call-indexes',
  sql: `
CREATE INDEX IF NOT EXISTS test_calls_started ON test_calls(started_at);
CREATE INDEX IF NOT EXISTS test_calls_engine_call ON test_calls(engine_call_id);
CREATE INDEX IF NOT EXISTS calls_caller_started ON calls(caller_number, started_at);
`,
};
