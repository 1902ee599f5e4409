import net from 'node:net';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';
import { makeSelfSigned, hasOpenssl, type SelfSigned } from '../fakes/ari-recordings/self-signed.js';
import { testConnection } from '../../engine/src/recordings/test-connection.js';
import type { AriEndpoint } from '../../engine/src/recordings/ari-recordings-client.js';
import { makeHarness } from './support/harness.js';
import { createRecordingsService } from '../../engine/src/recordings/recordings-service.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fake(opts: ConstructorParameters<typeof FakeAriRecordingsServer>[0] = {}, n = 2): Promise<FakeAriRecordingsServer> {
  const s = new FakeAriRecordingsServer(opts);
  for (let i = 0; i < n; i++) s.add(freepbxName(i), toneWav(i));
  await s.listen();
  cleanups.push(() => s.close());
  return s;
}

const ep = (port: number, over: Partial<AriEndpoint> = {}): AriEndpoint => ({ host: '127.0.0.1', port, tls: false, username: 'aiagent', password: 'aiagentpass', ...over });

describe('Test Connection names the real cause and the FreePBX fix', () => {
  it('ok: lists and downloads, and says a read-only user is enough', async () => {
    const s = await fake();
    const d = await testConnection(ep(s.port, { username: 'readonly', password: 'readonlypass' }));
    expect(d).toMatchObject({ ok: true, cause: 'ok', recordingsListed: 2 });
    expect(d.message).toMatch(/read_only = yes/);
    expect(s.fileRequests()).toHaveLength(1);
  });

  it('refused port → bindaddr in http_custom.conf', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const d = await testConnection(ep(port));
    expect(d).toMatchObject({ ok: false, cause: 'refused' });
    expect(d.fix).toMatch(/bindaddr=0\.0\.0\.0/);
    expect(d.fix).toMatch(/http_custom\.conf/);
  });

  it('no answer → firewall', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => silent.close(() => r())));
    const sockets: net.Socket[] = [];
    silent.on('connection', (s) => sockets.push(s));
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    const d = await testConnection(ep((silent.address() as net.AddressInfo).port), { timeoutMs: 300 });
    expect(d).toMatchObject({ ok: false, cause: 'timeout' });
    expect(d.fix).toMatch(/firewall/);
  });

  it('wrong password → ari.conf credentials', async () => {
    const s = await fake();
    const d = await testConnection(ep(s.port, { password: 'wrongpass' }));
    expect(d).toMatchObject({ ok: false, cause: 'unauthorized' });
    expect(d.fix).toMatch(/ari\.conf/);
    expect(s.requests[0]).toMatchObject({ status: 401 });
  });

  it('404 on /ari/recordings/stored → res_ari_recordings not loaded', async () => {
    const s = await fake({ recordingsModule: false });
    const d = await testConnection(ep(s.port));
    expect(d).toMatchObject({ ok: false, cause: 'module_missing' });
    expect(d.message).toMatch(/Resource not found/);
    expect(d.fix).toMatch(/module load res_ari_recordings\.so/);
  });

  it('listing works but files are refused → recording symlink', async () => {
    const s = await fake({ refuseFiles: true, pretty: false });
    const d = await testConnection(ep(s.port));
    expect(d).toMatchObject({ ok: false, cause: 'symlink', recordingsListed: 2 });
    expect(d.message).toMatch(/33-byte/);
    expect(d.fix).toMatch(/real path is inside its recording folder/);
  });

  it('an empty listing connects but cannot check downloads', async () => {
    const s = await fake({}, 0);
    const d = await testConnection(ep(s.port));
    expect(d).toMatchObject({ ok: true, cause: 'no_recordings', recordingsListed: 0 });
  });

  describe.skipIf(!hasOpenssl)('HTTPS with a self-signed certificate', () => {
    let cert: SelfSigned;
    beforeAll(() => {
      cert = makeSelfSigned();
    });

    it('unpinned: untrusted, with the fingerprint to trust; pinned: ok, sync works; changed: refused before credentials are sent', async () => {
      const s = await fake({ tls: { key: cert.key, cert: cert.cert } });
      const untrusted = await testConnection(ep(s.port, { tls: true }));
      expect(untrusted).toMatchObject({ ok: false, cause: 'tls_untrusted', certificateFingerprint: cert.fingerprint256 });
      expect(untrusted.fix).toMatch(/Trust this certificate/);
      expect(s.requests).toHaveLength(0);

      const pinned = await testConnection(ep(s.port, { tls: true, trustFingerprint: cert.fingerprint256.toLowerCase() }));
      expect(pinned).toMatchObject({ ok: true, cause: 'ok' });

      // the same settings drive a real sync over HTTPS
      const h = makeHarness({ port: s.port, tls: true, trust_fingerprint: cert.fingerprint256 });
      cleanups.push(() => h.close());
      const service = createRecordingsService(h.ctx, { analysis: false });
      expect(await service.sync()).toMatchObject({ downloaded: 2, failed: 0 });

      // the PBX now presents another certificate on the same port
      const other = makeSelfSigned('intruder.test');
      const port = s.port;
      await s.close();
      cleanups.pop();
      const s2 = new FakeAriRecordingsServer({ tls: { key: other.key, cert: other.cert } });
      s2.add(freepbxName(0), toneWav(0));
      await s2.listen(port);
      cleanups.push(() => s2.close());
      const changed = await testConnection(ep(port, { tls: true, trustFingerprint: cert.fingerprint256 }));
      expect(changed).toMatchObject({ ok: false, cause: 'tls_changed', certificateFingerprint: other.fingerprint256 });
      expect(s2.requests).toHaveLength(0); // no request, so no credentials, reached it
      const refused = await service.sync();
      expect(refused.error).toMatch(/certificate changed/);
      expect(s2.requests).toHaveLength(0);
    });

    it('TLS on a plain port, and plain HTTP on a TLS port', async () => {
      const plain = await fake();
      expect(await testConnection(ep(plain.port, { tls: true }))).toMatchObject({ ok: false, cause: 'tls' });
      const secure = await fake({ tls: { key: cert.key, cert: cert.cert } });
      const d = await testConnection(ep(secure.port, { tls: false }), { timeoutMs: 1000 });
      expect(d).toMatchObject({ ok: false, cause: 'tls' });
      expect(d.fix).toMatch(/turn TLS on/);
    });
  });
});
