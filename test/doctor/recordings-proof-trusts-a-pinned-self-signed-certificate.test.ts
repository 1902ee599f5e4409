import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:https';
import { hasOpenssl, makeSelfSigned, type SelfSigned } from '../fakes/ari-recordings/self-signed.js';
import { httpGet, judgeDownload } from '../../engine/src/doctor/probes.js';

if (!hasOpenssl) console.warn('[notice] openssl missing: the pinned-certificate download test is skipped.');

describe.skipIf(!hasOpenssl)('recordings proof over HTTPS with a self-signed PBX certificate', () => {
  let cert: SelfSigned;
  let server: Server;
  let base: string;
  const auth = { username: 'sync', password: 'sync-pw-1' };

  beforeAll(async () => {
    cert = makeSelfSigned();
    server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('sync:sync-pw-1').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'Content-type': 'audio/wav' }).end(Buffer.alloc(1000, 1));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('downloads with the matching pin, refuses a different pin, and refuses the unpinned self-signed certificate', async () => {
    const ok = await httpGet(`${base}/ari/recordings/stored/a%2Fb/file`, auth, { pin: cert.fingerprint256.toLowerCase() });
    expect(judgeDownload(ok)).toEqual({ ok: true, bytes: 1000, contentType: 'audio/wav' });
    await expect(httpGet(`${base}/x`, auth, { pin: 'AA:BB' })).rejects.toThrow(/does not match the trusted one/);
    await expect(httpGet(`${base}/x`, auth)).rejects.toThrow(/self.signed|certificate/i);
  });
});
