/**
 * Effective recordings settings: `recordings:` in the config, overridden by
 * what was saved from Settings → FreePBX Integration (settings table). The
 * ARI password lives in the secret store (never in the settings table or a
 * response); the config's `recordings.password` is the fallback. Where host,
 * port, username, password or TLS are left empty, the engine's own ARI
 * connection (`asterisk.*`) is used: one set of credentials is enough, a
 * separate read-only user is optional.
 */
import type { AgentConfig } from '../config/schema.js';
import type { RecordingsSettingsView } from '../api/recordings.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { normalizeFingerprint, type AriEndpoint } from './ari-recordings-client.js';
import { ApiError } from '../api/define.js';
import type { RecordingsRepo } from './recordings-repo.js';
import { registerSecretValue } from '../observability/logger.js';

export const PASSWORD_SECRET = 'RECORDINGS_ARI_PASSWORD';
const SETTINGS_KEY = 'recordings.settings';

export type RecordingsConfig = AgentConfig['recordings'];
export type AriConfig = Pick<AgentConfig['asterisk'], 'host' | 'port' | 'scheme' | 'username' | 'password'>;

export interface EffectiveSettings extends Omit<RecordingsSettingsView, 'passwordSet'> {
  password: string;
  transcriber: RecordingsConfig['transcriber'];
  sentiment: RecordingsConfig['sentiment'];
}

type Saved = Partial<Omit<RecordingsSettingsView, 'passwordSet' | 'sameAsEngine'>>;

const given = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);

/**
 * The connection: what Settings saved replaces the config file's fields as a whole (an empty field saved from
 * the app means "the engine's"), then `asterisk.*` fills what is still empty. The ARI password is inherited
 * only together with the ARI username (never sent for another user).
 */
export function resolveConnection(saved: Saved, cfg: RecordingsConfig, ari: AriConfig, storedPassword: string | undefined): Pick<EffectiveSettings, 'host' | 'port' | 'username' | 'password' | 'tls' | 'sameAsEngine'> {
  const fromApp = saved.host !== undefined || saved.username !== undefined;
  const src = fromApp ? { host: saved.host, username: saved.username, port: saved.port, tls: saved.tls, password: undefined } : cfg;
  const host = given(src.host);
  const username = given(src.username);
  const password = given(storedPassword) ?? given(src.password);
  const user = username ?? ari.username;
  return {
    host: host ?? ari.host,
    port: src.port ?? ari.port,
    username: user,
    password: password ?? (user === ari.username ? ari.password : ''),
    tls: src.tls ?? ari.scheme === 'https',
    sameAsEngine: host === undefined && username === undefined && password === undefined && src.port === undefined && src.tls === undefined,
  };
}

export function effectiveSettings(cfg: RecordingsConfig, repo: RecordingsRepo, secrets: SecretStore, ari: AriConfig, overlay: Saved & { password?: string } = {}): EffectiveSettings {
  const saved = { ...(repo.setting<Saved>(SETTINGS_KEY) ?? {}), ...overlay };
  const s: EffectiveSettings = {
    enabled: saved.enabled ?? cfg.enabled,
    ...resolveConnection(saved, cfg, ari, overlay.password ?? secrets.get(PASSWORD_SECRET)),
    intervalMinutes: saved.intervalMinutes ?? cfg.interval_minutes,
    concurrency: saved.concurrency ?? cfg.concurrency,
    retentionDays: saved.retentionDays ?? cfg.retention_days,
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

export type SettingsInput = Omit<RecordingsSettingsView, 'passwordSet' | 'sameAsEngine' | 'port' | 'tls' | 'concurrency' | 'retentionDays' | 'trustFingerprint'> & {
  port?: number;
  tls?: boolean;
  password?: string;
  concurrency?: number;
  retentionDays?: number;
  trustFingerprint?: string;
};

/**
 * Persists a Settings form save. An absent password keeps the stored one; an empty one clears it. Empty host and
 * username with no port/TLS mean "same as the engine's ARI connection" (the stored recordings password is dropped).
 */
export function saveSettings(input: SettingsInput, repo: RecordingsRepo, secrets: SecretStore): void {
  const { password, ...rest } = input;
  let fingerprint = '';
  if (input.trustFingerprint) {
    fingerprint = normalizeFingerprint(input.trustFingerprint);
    if (fingerprint.length !== 95) throw new ApiError('bad_request', 'trustFingerprint: expected a SHA-256 fingerprint (32 bytes, e.g. AB:01:…)', { path: 'trustFingerprint' });
  }
  const saved: Saved = { ...rest, host: rest.host.trim(), username: rest.username.trim(), trustFingerprint: fingerprint };
  for (const k of ['concurrency', 'retentionDays', 'port', 'tls'] as const) if (input[k] === undefined) delete saved[k];
  repo.saveSetting(SETTINGS_KEY, saved);
  const sameAsEngine = !saved.host && !saved.username && saved.port === undefined && saved.tls === undefined;
  if (sameAsEngine) secrets.delete(PASSWORD_SECRET);
  else if (password !== undefined) {
    if (password === '') secrets.delete(PASSWORD_SECRET);
    else secrets.set(PASSWORD_SECRET, password);
  }
}
