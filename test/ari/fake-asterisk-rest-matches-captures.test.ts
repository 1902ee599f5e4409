/**
 * The fake's REST answers against the real Asterisk 22 captures: same status,
 * same body, header spelled `Content-type`, 401 with WWW-Authenticate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAsterisk } from '../fakes/asterisk/index.js';
import { hasFixtures, noticeIfMissing, readFixtureJson } from '../support/shared-fixtures.js';
import { request as httpRequest } from 'node:http';

interface Capture {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  response_body: unknown;
}

let fake: FakeAsterisk;
const auth = (user = 'aiagent', pass = 'aiagentpass') => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function send(method: string, path: string, query: Record<string, string>, authorization?: string) {
  const qs = new URLSearchParams(query).toString();
  return new Promise<{ status: number; headers: string[]; body: unknown }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: fake.port, method, path: qs ? `${path}?${qs}` : path, headers: authorization ? { authorization } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body: text ? (JSON.parse(text) as unknown) : null });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

noticeIfMissing();
describe.skipIf(!hasFixtures)('fake Asterisk REST matches the captures', () => {
  beforeAll(async () => {
    fake = await new FakeAsterisk().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  const stateless = [
    'error-404-get-unknown-channel',
    'error-404-answer-unknown-channel',
    'error-404-hangup-unknown-channel',
    'error-404-stop-unknown-playback',
    'error-404-delete-unknown-bridge',
    'error-404-unknown-resource',
    'error-405-method-not-allowed',
    'error-400-externalMedia-no-external_host',
    'error-400-externalMedia-audiosocket-no-data',
    'error-400-externalMedia-rtp-over-tcp',
    'error-400-externalMedia-no-app',
    'error-400-externalMedia-host-without-port',
    'error-400-externalMedia-no-format',
    'error-500-externalMedia-audiosocket-nothing-listening',
    'error-500-originate-invalid-tech',
    'error-400-originate-no-endpoint',
    'error-400-originate-no-app-no-extension',
  ];
  it.each(stateless)('%s', async (name) => {
    const c = readFixtureJson<Capture>('ari', 'rest', `${name}.json`);
    const r = await send(c.method, c.path, c.query, auth());
    expect(r.status).toBe(c.status);
    expect(r.body).toEqual(c.response_body);
    expect(r.headers).toContain('Content-type');
  });

  it('answers 401 with the realm header, 403 for a read-only writer', async () => {
    const c = readFixtureJson<Capture>('ari', 'rest', 'error-401-wrong-password.json');
    const r = await send('GET', c.path, {}, auth('aiagent', 'wrongpass'));
    expect(r.status).toBe(401);
    expect(r.body).toEqual(c.response_body);
    expect(r.headers).toContain('Basic realm="Asterisk REST Interface"');
    const none = await send('GET', c.path, {});
    expect(none.status).toBe(401);
    const ro = readFixtureJson<Capture>('ari', 'rest', 'error-403-readonly-user-post.json');
    const r403 = await send('POST', ro.path, ro.query, auth('readonly', 'readonlypass'));
    expect([r403.status, r403.body]).toEqual([ro.status, ro.response_body]);
  });

  it('uses 422 for bridge ops and 409 for channel ops on a channel outside Stasis, 400 for unknown/missing channels', async () => {
    const caller = fake.injectCall({ callerNumber: '100' });
    const bridge = (await send('POST', '/ari/bridges', { type: 'mixing' }, auth())).body as { id: string };
    await send('POST', `/ari/channels/${caller.id}/continue`, { context: 'from-internal', extension: '600', priority: '1' }, auth());
    const cases: [string, string, Record<string, string>, string][] = [
      ['POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: caller.id }, 'error-422-addChannel-not-in-stasis'],
      ['POST', `/ari/channels/${caller.id}/play`, { media: 'sound:hello-world' }, 'error-409-play-after-continue'],
      ['POST', `/ari/bridges/${bridge.id}/addChannel`, { channel: 'does-not-exist' }, 'error-400-addChannel-unknown-channel'],
      ['POST', `/ari/bridges/${bridge.id}/addChannel`, {}, 'error-400-addChannel-missing-channel'],
      ['GET', `/ari/channels/${caller.id}/variable`, { variable: 'NOT_SET_ANYWHERE' }, 'error-404-variable-not-set'],
      ['GET', `/ari/channels/${caller.id}/variable`, {}, 'error-400-variable-missing-name'],
    ];
    for (const [method, path, query, name] of cases) {
      const c = readFixtureJson<Capture>('ari', 'rest', `${name}.json`);
      const r = await send(method, path, query, auth());
      expect([name, r.status, r.body]).toEqual([name, c.status, c.response_body]);
    }
    const p = readFixtureJson<Capture>('ari', 'rest', 'error-500-play-missing-media.json');
    const other = fake.injectCall({ callerNumber: '101' });
    const r = await send('POST', `/ari/channels/${other.id}/play`, {}, auth());
    expect([r.status, r.body]).toEqual([p.status, p.response_body]);
  });

  it('rewrites the api-docs basePath to the request Host', async () => {
    const r = await send('GET', '/ari/api-docs/channels.json', {}, auth());
    expect(r.status).toBe(200);
    expect((r.body as { basePath: string }).basePath).toBe(`http://127.0.0.1:${fake.port}/ari`);
  });
});
