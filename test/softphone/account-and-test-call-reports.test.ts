import { mkdtempSync, rmSync, copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../engine/src/engine';
import { createSoftphoneService } from '../../engine/src/softphone/softphone-service';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store';
import { createLogger } from '../../engine/src/observability/logger';
import { schemaVersion } from '../../engine/src/store/database';
import { parseWavHeader } from '../../engine/src/media/wav';
import { DEFAULT_UTTERANCES } from '../../engine/src/softphone/utterances';

let dir: string;
let engine: Engine;
let secrets: MemorySecretStore;
let logged: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aava-softphone-'));
  copyFileSync('config/ai-agent.yaml', join(dir, 'ai-agent.yaml'));
  secrets = new MemorySecretStore();
  logged = '';
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => { logged += s; } } });
  engine = createEngine({ configPath: join(dir, 'ai-agent.yaml'), dataDir: dir, secrets, http: false, watchConfig: false, services: [createSoftphoneService], log });
  await engine.start();
});

afterEach(async () => {
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = (m: string, args?: unknown) => engine.router.invoke(m, args);

function insertEngineCall(id: string, callerNumber: string, startedAt: number) {
  engine.ctx.db
    .prepare("INSERT INTO calls (id, channel_id, caller_number, context, provider, transport, started_at) VALUES (?, ?, ?, 'demo', 'echo', 'audiosocket', ?)")
    .run(id, `ch-${id}`, callerNumber, startedAt);
}

const report = (startedAt: string) => ({
  context: 'demo',
  destination: '7000',
  startedAt,
  answerMs: 812,
  greetingLatencyMs: 640,
  replyLatenciesMs: [910, null],
  timeline: [{ kind: 'agent' as const, startMs: 1400, endMs: 2900 }],
});

describe('softphone account', () => {
  it('stores the password in the secret store and never echoes it', async () => {
    expect(await call('softphone.account')).toEqual({ ok: true, result: null });
    const saved = await call('softphone.saveAccount', {
      wssUrl: 'wss://pbx.example.com:8089/ws',
      sipUri: 'sip:1001@pbx.example.com',
      authUser: '1001',
      displayName: 'AAVA test',
      password: 'hunter2-very-secret',
    });
    expect(saved).toEqual({ ok: true, result: { ok: true } });
    expect(secrets.get('SIP_PASSWORD')).toBe('hunter2-very-secret');
    const acc = await call('softphone.account');
    expect(acc).toEqual({
      ok: true,
      result: { wssUrl: 'wss://pbx.example.com:8089/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '1001', displayName: 'AAVA test', iceServers: [], passwordSet: true },
    });
    expect(JSON.stringify(acc)).not.toContain('hunter2');
    const settingsRow = JSON.stringify(engine.ctx.db.prepare('SELECT * FROM settings').all());
    expect(settingsRow).not.toContain('hunter2');
    expect(logged).toContain('softphone account saved');
    expect(logged).not.toContain('hunter2');
    expect(await call('softphone.credentials')).toEqual({ ok: true, result: { password: 'hunter2-very-secret' } });
  });

  it('keeps the password when it is omitted, clears it when empty, and names bad fields', async () => {
    await call('softphone.saveAccount', { wssUrl: 'wss://pbx:8089/ws', sipUri: 'sip:1001', authUser: '', password: 'pw-1234' });
    await call('softphone.saveAccount', { wssUrl: 'wss://pbx:8089/ws', sipUri: 'sip:1001', authUser: '' });
    expect(secrets.get('SIP_PASSWORD')).toBe('pw-1234');
    const acc = await call('softphone.account');
    expect(acc).toMatchObject({ ok: true, result: { sipUri: 'sip:1001@pbx', authUser: '1001', passwordSet: true } });
    await call('softphone.saveAccount', { wssUrl: 'wss://pbx:8089/ws', sipUri: 'sip:1001@pbx', authUser: '1001', password: '' });
    expect(await call('softphone.credentials')).toEqual({ ok: true, result: { password: null } });
    const bad = await call('softphone.saveAccount', { wssUrl: 'https://pbx/ws', sipUri: 'sip:1@x', authUser: '1' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(JSON.stringify(bad)).toContain('wssUrl');
  });
});

describe('test-call reports', () => {
  it('links a report to the engine call with the same caller closest in time', async () => {
    await call('softphone.saveAccount', { wssUrl: 'wss://pbx:8089/ws', sipUri: 'sip:1001@pbx', authUser: '1001' });
    const t0 = Date.parse('2026-11-21T08:00:00.000Z');
    insertEngineCall('other-caller', '2002', t0 + 300);
    insertEngineCall('too-late', '1001', t0 + 120_000);
    insertEngineCall('match', '1001', t0 + 450);
    const saved = await call('testcalls.save', report(new Date(t0).toISOString()));
    expect(saved.ok).toBe(true);
    const r = (saved as { result: { id: string; engineCallId?: string } }).result;
    expect(r.engineCallId).toBe('match');
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    const list = await call('testcalls.list');
    expect(list).toMatchObject({ ok: true, result: [{ id: r.id, engineCallId: 'match', answerMs: 812, replyLatenciesMs: [910, null] }] });
  });

  it('links later when the engine records the call after the report was saved', async () => {
    await call('softphone.saveAccount', { wssUrl: 'wss://pbx:8089/ws', sipUri: 'sip:1001@pbx', authUser: '1001' });
    const t0 = Date.parse('2026-11-21T09:00:00.000Z');
    const saved = (await call('testcalls.save', report(new Date(t0).toISOString()))) as { result: { engineCallId?: string } };
    expect(saved.result.engineCallId).toBeUndefined();
    insertEngineCall('late-row', '1001', t0 + 900);
    const list = (await call('testcalls.list')) as { result: { engineCallId?: string }[] };
    expect(list.result[0]!.engineCallId).toBe('late-row');
  });

  it('rejects a report whose startedAt is not a date, naming the field', async () => {
    const res = await call('testcalls.save', report('yesterday'));
    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(JSON.stringify(res)).toContain('startedAt');
  });

  it('applies the softphone migration', () => {
    expect(schemaVersion(engine.ctx.db)).toBeGreaterThanOrEqual(20);
    const idx = engine.ctx.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'test_calls_started'").get();
    expect(idx).toBeTruthy();
    expect(readdirSync(dir)).toContain('aava.db');
    expect(readFileSync(join(dir, 'ai-agent.yaml'), 'utf8')).not.toContain('SIP_PASSWORD');
  });
});

describe('test-call utterances', () => {
  it('speaks the default caller turns with flite and serves them as media', async () => {
    const svc = engine.service('softphone')!;
    const deadline = Date.now() + 20_000;
    let found = svc.resolveMedia!(`softphone/utterances/${DEFAULT_UTTERANCES.length}`);
    while (!found && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      found = svc.resolveMedia!(`softphone/utterances/${DEFAULT_UTTERANCES.length}`);
    }
    expect(found?.contentType).toBe('audio/wav');
    for (let n = 1; n <= DEFAULT_UTTERANCES.length; n++) {
      const wav = readFileSync(svc.resolveMedia!(`softphone/utterances/${n}`)!.file);
      const info = parseWavHeader(wav);
      expect(info.sampleRate).toBe(16000);
      expect(info.channels).toBe(1);
      // A short sentence: between 1 and 5 seconds of 16-bit audio.
      const seconds = (wav.length - 44) / 2 / 16000;
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(5);
    }
    expect(svc.resolveMedia!('softphone/utterances/99')).toBeUndefined();
    expect(svc.resolveMedia!('softphone/../secrets.json')).toBeUndefined();
  });
});
