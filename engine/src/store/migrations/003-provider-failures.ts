/** Migration 3 (calls): why a call ended as `provider_error` (socket_drop, http_5xx, quota, no_first_audio, …). */
export const migration003 = {
  version: 3,
  name: 'provider-failures',
  sql: `
ALTER TABLE calls ADD COLUMN failure_reason TEXT;
`,
};
