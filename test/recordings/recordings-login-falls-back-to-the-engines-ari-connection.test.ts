import { resolveConnection, type RecordingsConfig } from '../../engine/src/recordings/recordings-settings.js';

const ari = { host: 'pbx.lan', port: 8089, scheme: 'https' as const, username: 'aiagent', password: 'engine-pw' };
const cfg = (over: Partial<RecordingsConfig> = {}) => ({ enabled: true, host: '', username: '', password: '', interval_minutes: 10, concurrency: 4, retention_days: 0, transcriber: 'none', sentiment: 'lexicon', ...over }) as RecordingsConfig;

describe('recordings login: empty fields are the engine’s ARI connection', () => {
  it('nothing set: every field from asterisk.*, and the view says so', () => {
    expect(resolveConnection({}, cfg(), ari, undefined)).toEqual({ host: 'pbx.lan', port: 8089, username: 'aiagent', password: 'engine-pw', tls: true, sameAsEngine: true });
  });

  it('a separate read-only user never gets the engine’s password; its own comes from the secret store, then the config', () => {
    expect(resolveConnection({}, cfg({ username: 'sync-ro' }), ari, undefined)).toMatchObject({ host: 'pbx.lan', username: 'sync-ro', password: '', sameAsEngine: false });
    expect(resolveConnection({}, cfg({ username: 'sync-ro', password: 'cfg-pw' }), ari, undefined).password).toBe('cfg-pw');
    expect(resolveConnection({}, cfg({ username: 'sync-ro', password: 'cfg-pw' }), ari, 'stored-pw').password).toBe('stored-pw');
  });

  it('what Settings saved replaces the config’s fields as a whole; saved empty means the engine’s', () => {
    const file = cfg({ host: '10.0.0.9', port: 8088, username: 'cfg-user', password: 'cfg-pw', tls: false });
    expect(resolveConnection({}, file, ari, undefined)).toMatchObject({ host: '10.0.0.9', port: 8088, username: 'cfg-user', password: 'cfg-pw', tls: false, sameAsEngine: false });
    expect(resolveConnection({ host: '', username: '' }, file, ari, undefined)).toEqual({ host: 'pbx.lan', port: 8089, username: 'aiagent', password: 'engine-pw', tls: true, sameAsEngine: true });
    expect(resolveConnection({ host: '10.0.0.7', username: 'ro', port: 8088, tls: false }, file, ari, 'ro-pw')).toMatchObject({ host: '10.0.0.7', port: 8088, username: 'ro', password: 'ro-pw', tls: false });
  });
});
