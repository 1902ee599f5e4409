import http from 'node:http';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav } from '../fakes/ari-recordings/recordings-set.js';
import { hasFixtures, noticeIfMissing, readFixture, readFixtureJson } from '../support/shared-fixtures.js';

interface Capture {
  method: string;
  path: string;
  status: number;
  response_body_raw?: string;
  response_headers: { 'content-type': string };
}

function get(port: number, path: string, auth = 'aiagent:aiagentpass'): Promise<{ status: number; raw: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

describe.skipIf(!hasFixtures)('the fake ARI recordings server answers like the captured Asterisk 22', () => {
  noticeIfMissing();
  let server: FakeAriRecordingsServer;
  beforeAll(async () => {
    server = new FakeAriRecordingsServer();
    const listing = readFixtureJson<{ response_body: { name: string; format: string }[] }>('ari', 'recordings', 'get-recordings-stored.json');
    const sampleName = readFixture('ari', 'recordings', 'sample-recording-name.txt').toString('utf8').trim();
    for (const r of listing.response_body) server.add(r.name, r.name === sampleName ? readFixture('ari', 'recordings', 'sample-recording.wav') : toneWav(1), r.format);
    await server.listen();
  });
  afterAll(() => server.close());

  it.each([
    ['recordings', 'get-recordings-stored.json'],
    ['recordings', 'get-recordings-stored-out.json'],
    ['recordings', 'get-recordings-stored-in.json'],
    ['recordings', 'error-404-recording-literal-slashes.json'],
    ['recordings', 'error-404-recording-file-literal-slashes.json'],
    ['rest', 'error-404-unknown-recording.json'],
    ['rest', 'error-404-unknown-recording-file.json'],
  ])('%s/%s byte for byte', async (dir, file) => {
    const cap = readFixtureJson<Capture>('ari', dir, file);
    const res = await get(server.port, cap.path);
    expect(res.status).toBe(cap.status);
    expect(res.body.toString('utf8')).toBe(cap.response_body_raw);
    const i = res.raw.indexOf('Content-type');
    expect(i).toBeGreaterThanOrEqual(0); // Asterisk's spelling
    expect(res.raw[i + 1]).toBe(cap.response_headers['content-type']);
  });

  it('serves the sample recording byte-exact as audio/wav', async () => {
    const cap = readFixtureJson<Capture & { response_body_length: number }>('ari', 'recordings', 'get-recordings-stored-file.json');
    const res = await get(server.port, cap.path);
    expect(res.status).toBe(200);
    expect(res.body.equals(readFixture('ari', 'recordings', 'sample-recording.wav'))).toBe(true);
    expect(res.body.length).toBe(cap.response_body_length);
    expect(res.raw[res.raw.indexOf('Content-type') + 1]).toBe('audio/wav');
  });

  it('401 with WWW-Authenticate for a wrong password and for none', async () => {
    const cap = readFixtureJson<Capture>('ari', 'rest', 'error-401-wrong-password.json');
    for (const auth of ['aiagent:wrongpass', '']) {
      const res = await get(server.port, '/ari/recordings/stored', auth);
      expect(res.status).toBe(401);
      expect(res.body.toString()).toBe(cap.response_body_raw);
      expect(res.raw[res.raw.indexOf('WWW-Authenticate') + 1]).toBe('Basic realm="Asterisk REST Interface"');
    }
  });

  it('a read-only user may read but not delete', async () => {
    expect((await get(server.port, '/ari/recordings/stored', 'readonly:readonlypass')).status).toBe(200);
    const status = await new Promise<number>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method: 'DELETE', path: '/ari/recordings/stored/sip-call-1795243053455', headers: { authorization: `Basic ${Buffer.from('readonly:readonlypass').toString('base64')}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.end();
    });
    expect(status).toBe(403);
  });
});
