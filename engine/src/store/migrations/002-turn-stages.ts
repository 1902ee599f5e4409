/** Migration 2 (calls): per-turn end-of-speech wait and provider first audio, measured from the caller's last voiced frame. */
export const migration002 = {
  version: 2,
  name: 'turn-stages',
  sql: `
ALTER TABLE turns ADD COLUMN end_of_turn_ms REAL;
ALTER TABLE turns ADD COLUMN provider_audio_ms REAL;
`,
};
