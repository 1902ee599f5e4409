/**
 * Effective recordings settings: `recordings:` in the config, overridden by
 * what was saved from Settings → FreePBX Integration (settings table). The
 * ARI password lives in the secret store (never in the settings table or a
 * response); the config's `recordings.password` is the fallback.
 */
import type { AgentConfig } from '../config/schema.js';
import type { RecordingsSettingsView } from '../api/recordings.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { normalizeFingerprint, type AriEndpoint } from './ari-recordings-client.js';
import { ApiError } from '../api/define.js';
import type { RecordingsRepo } from './recordings-repo.js';
import { registerSecretValue } from '../observability/logger.js';

export const PASSWORD_SECRET = 'RECORDINGS_ARI_PASSWORD';
export const SETTINGS_KEY = 'recordings.settings';

export type RecordingsConfig = AgentConfig['recordings'];

export interface EffectiveSettings extends Omit<RecordingsSettingsView, 'passwordSet'> {
  password: string;
  transcriber: RecordingsConfig['transcriber'];
  sentiment: RecordingsConfig['sentiment'];
}

type Saved = Partial<Omit<RecordingsSettingsView, 'passwordSet'>>;

export function effectiveSettings(cfg: RecordingsConfig, repo: RecordingsRepo, secrets: SecretStore): EffectiveSettings {
  const saved = repo.setting<Saved>(SETTINGS_KEY) ?? {};
  const s: EffectiveSettings = {
    enabled: saved.enabled ?? cfg.enabled,
    host: saved.host ?? cfg.host,
    port: saved.port ?? cfg.port,
    username: saved.username ?? cfg.username,
    tls: saved.tls ?? cfg.tls,
    intervalMinutes: saved.intervalMinutes ?? cfg.interval_minutes,
    concurrency: saved.concurrency ?? cfg.concurrency,
    retentionDays: saved.retentionDays ?? cfg.retention_days,
    password: secrets.get(PASSWORD_SECRET) ?? cfg.password,
    transcriber: cfg.transcriber,
    sentiment: cfg.sentiment,
  };
  const fp = 'trustFingerprint' in saved ? saved.trustFingerprint : cfg.trust_fingerprint;
  if (fp) s.trustFingerprint = fp;
  return s;
}

export function settingsView(s: EffectiveSettings): RecordingsSettingsView {
  const { password, transcriber: _t, sentiment: _s, ...rest } = s;
  return { ...rest, passwordSet: password.length > 0 };
}

export function endpointOf(s: Pick<EffectiveSettings, 'host' | 'port' | 'tls' | 'username' | 'password' | 'trustFingerprint'>): AriEndpoint {
  registerSecretValue(s.password); // scrubbed from every log line, whatever key it hides under
  const e: AriEndpoint = { host: s.host, port: s.port, tls: s.tls, username: s.username, password: s.password };
  if (s.tls && s.trustFingerprint) e.trustFingerprint = s.trustFingerprint;
  return e;
}

/** Persists a Settings form save. An absent password keeps the stored one; an empty one clears it. */
export function saveSettings(
  input: Omit<RecordingsSettingsView, 'passwordSet' | 'concurrency' | 'retentionDays' | 'trustFingerprint'> & { password?: string; concurrency?: number; retentionDays?: number; trustFingerprint?: string },
  repo: RecordingsRepo,
  secrets: SecretStore,
): void {
  const { password, ...rest } = input;
  let fingerprint = '';
  if (input.trustFingerprint) {
    fingerprint = normalizeFingerprint(input.trustFingerprint);
    if (fingerprint.length !== 95) throw new ApiError('bad_request', 'trustFingerprint: expected a SHA-256 fingerprint (32 bytes, e.g. AB:01:…)', { path: 'trustFingerprint' });
  }
  const saved: Saved = { ...rest, trustFingerprint: fingerprint };
  if (input.concurrency === undefined) delete saved.concurrency;
  if (input.retentionDays === undefined) delete saved.retentionDays;
  repo.saveSetting(SETTINGS_KEY, saved);
  if (password !== undefined) {
    if (password === '') secrets.delete(PASSWORD_SECRET);
    else secrets.set(PASSWORD_SECRET, password);
  }
}
