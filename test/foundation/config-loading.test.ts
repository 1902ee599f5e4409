import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, ConfigError } from '../../engine/src/config/load.js';
import { expandEnv, parseDotEnv } from '../../engine/src/config/expand-env.js';

const MIN = `default_provider: echo
asterisk:
  host: \${ASTERISK_HOST:-10.0.0.5}
  port: \${ASTERISK_ARI_PORT:-8088}
  username: \${ASTERISK_ARI_USERNAME}
  password: \${ASTERISK_ARI_PASSWORD:-}
providers:
  echo: { type: echo }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aava-cfg-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('config loading', () => {
  it('expands ${VAR} and ${VAR:-default} from env, secrets and .env, re-typing whole references', () => {
    const file = write('a.yaml', MIN);
    write('.env', 'ASTERISK_ARI_USERNAME=fromdotenv\nASTERISK_ARI_PORT=8089\n');
    const l = loadConfigFile(file, { env: { ASTERISK_HOST: 'pbx.local' }, secrets: (n) => (n === 'ASTERISK_ARI_PASSWORD' ? 's3cret' : undefined), dotEnvPaths: [join(dir, '.env')] });
    expect(l.config.asterisk).toMatchObject({ host: 'pbx.local', port: 8089, username: 'fromdotenv', password: 's3cret' });
  });

  it('process env wins over the secret store, which wins over .env', () => {
    const file = write('a.yaml', MIN);
    write('.env', 'ASTERISK_ARI_USERNAME=dot\n');
    const l = loadConfigFile(file, { env: { ASTERISK_ARI_USERNAME: 'env' }, secrets: (n) => (n === 'ASTERISK_ARI_USERNAME' ? 'secret' : undefined), dotEnvPaths: [join(dir, '.env')] });
    expect(l.config.asterisk.username).toBe('env');
    const l2 = loadConfigFile(file, { env: {}, secrets: (n) => (n === 'ASTERISK_ARI_USERNAME' ? 'secret' : undefined), dotEnvPaths: [join(dir, '.env')] });
    expect(l2.config.asterisk.username).toBe('secret');
  });

  it('names the YAML path, the bad value and what is allowed', () => {
    const file = write('bad.yaml', `${MIN}audio_transport: carrier-pigeon\ncontexts:\n  sales:\n    provider: deepgrm\n`);
    let err: ConfigError | undefined;
    try {
      loadConfigFile(file, { env: { ASTERISK_ARI_USERNAME: 'u' }, dotEnvPaths: [] });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = err!.message;
    expect(text).toContain(`${file}: contexts.sales.provider: "deepgrm" is not a provider or pipeline (have: echo)`);
    expect(text).toMatch(/audio_transport: "carrier-pigeon" is not allowed \(allowed: audiosocket, externalmedia, websocket\)/);
  });

  it('reports unknown keys and wrong types with their paths', () => {
    const file = write('bad.yaml', `${MIN}vad:\n  webrtc_agressiveness: 2\nhealth:\n  port: lots\n`);
    try {
      loadConfigFile(file, { env: { ASTERISK_ARI_USERNAME: 'u' }, dotEnvPaths: [] });
      expect.unreachable();
    } catch (e) {
      const issues = (e as ConfigError).issues;
      expect(issues.find((i) => i.path === 'vad')?.message).toContain('"webrtc_agressiveness"');
      expect(issues.find((i) => i.path === 'health.port')?.message).toContain('"lots"');
    }
  });

  it('points at the line of a YAML syntax error', () => {
    const file = write('syntax.yaml', 'default_provider: echo\nasterisk:\n  host: [unclosed\n');
    expect(() => loadConfigFile(file)).toThrow(/syntax\.yaml: line \d+:\d+/);
  });

  it('names a missing file', () => {
    expect(() => loadConfigFile(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: \(file\): file not found/);
  });

  it('lists ${VAR}s referenced without default that are unset', () => {
    const file = write('a.yaml', `${MIN}api:\n  token: \${AAVA_API_TOKEN}\n`);
    const l = loadConfigFile(file, { env: { ASTERISK_ARI_USERNAME: 'u' }, dotEnvPaths: [] });
    expect(l.unresolved).toEqual([{ name: 'AAVA_API_TOKEN', path: 'api.token' }]);
  });

  it('the shipped config and the FreePBX example validate', () => {
    for (const f of ['config/ai-agent.yaml', 'config/examples/freepbx-contexts.yaml']) {
      const l = loadConfigFile(f, { env: {}, dotEnvPaths: [] });
      expect(l.config.asterisk.app_name).toBe('asterisk-ai-voice-agent');
    }
    const ex = loadConfigFile('config/examples/freepbx-contexts.yaml', { env: {}, dotEnvPaths: [] });
    expect(Object.keys(ex.config.contexts)).toEqual(['default', 'sales', 'support', 'after_hours']);
    expect(readFileSync('config/ai-agent.yaml', 'utf8')).toContain('${ASTERISK_ARI_PASSWORD');
  });
});

describe('env expansion and .env parsing (pure)', () => {
  it('expands inside longer strings without re-typing', () => {
    const r = expandEnv({ a: 'http://${H}:${P:-80}/x', n: ['${P:-80}'] }, (n) => (n === 'H' ? 'h' : undefined));
    expect(r.value).toEqual({ a: 'http://h:80/x', n: [80] });
  });
  it('parses quotes, export and comments', () => {
    expect(parseDotEnv('# c\nexport A=1\nB="two words"\nC=three # note\nD=\'x=y\'\nbad line\n')).toEqual({ A: '1', B: 'two words', C: 'three', D: 'x=y' });
  });
});
