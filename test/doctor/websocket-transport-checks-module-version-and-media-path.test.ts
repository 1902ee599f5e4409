/**
 * The doctor's WebSocket-transport checks: chan_websocket loaded, a version
 * with JSON control messages, and /media/ answered by chan_websocket on the
 * PBX's HTTP server from this workstation (real sockets: the fake Asterisk,
 * a plain HTTP server, a closed port, an untrusted TLS server; and over real
 * SSH against the fake FreePBX, where the PBX → engine port checks follow the
 * transports calls use: audio_transport and each context's AI_TRANSPORT).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAsterisk } from '../fakes/asterisk/index.js';
import { judgeMediaProbe, judgeWebSocketModules, judgeWebSocketVersion, probeMediaPath, websocketChecks } from '../../engine/src/doctor/checks-websocket.js';
import { parseCoreShowVersion, parseModuleShow } from '../../engine/src/doctor/cli-parsers.js';
import { SshSession } from '../../engine/src/doctor/ssh-session.js';
import { gatherFacts } from '../../engine/src/doctor/gather-facts.js';
import { runChecks } from '../../engine/src/doctor/doctor-core.js';
import type { CheckResult } from '../../engine/src/api/doctor.js';
import { startFakePbx, canRunSshd, freePort, memoryHostKeys } from './support/fake-pbx.js';
import { layoutHealthy, testInputs, ETC_EXTENSIONS } from './support/pbx-layouts.js';
import { hasFixtures } from '../support/shared-fixtures.js';

/** `module show like websocket` in Asterisk's layout (rows as in the captured `module show like audiosocket`). */
function moduleShow(chan: 'Running' | 'Not Running' | null): string {
  const row = (m: string, d: string, s: string) => `${m.padEnd(31)}${d.padEnd(41)}0          ${s.padEnd(17)}core`;
  const rows = [row('res_http_websocket.so', 'HTTP WebSocket Support', 'Running'), row('res_websocket_client.so', 'WebSocket Client Support', 'Running')];
  if (chan) rows.unshift(row('chan_websocket.so', 'Websocket Media Channel', chan));
  return `Module                         Description                              Use Count  Status      Support Level\n${rows.join('\n')}\n${rows.length} modules loaded\n`;
}

const v = (s: string) => parseCoreShowVersion(`Asterisk ${s} built by root @ vm on a x86_64 running Linux`);
let servers: Array<{ close(cb: () => void): void }> = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  servers = [];
});

describe('judging chan_websocket from PBX facts', () => {
  it('version: chan_websocket since 20.16/21.11/22.6/23.0, JSON control messages since 20.18/22.8/23.2', () => {
    const status = (s: string) => judgeWebSocketVersion(v(s), undefined).status;
    expect(['22.10.1', '22.8.0', '20.18.2', '23.2.0', '24.0.0', 'certified-22.8-cert1'].map(status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(['22.7.0', '22.6.0', '20.17.0', '21.11.0', '21.12.1', '23.1.0'].map(status)).toEqual(['warn', 'warn', 'warn', 'warn', 'warn', 'warn']);
    expect(['22.5.2', '20.15.0', '21.10.0', '18.26.0'].map(status)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(judgeWebSocketVersion(undefined, undefined).status).toBe('fail');
    expect(judgeWebSocketVersion(v('22.7.0'), undefined).fix).toMatch(/plain-text/);
  });

  it('module: running passes; absent or not running fails with the load command', () => {
    expect(judgeWebSocketModules(parseModuleShow(moduleShow('Running')), undefined).status).toBe('pass');
    const absent = judgeWebSocketModules(parseModuleShow(moduleShow(null)), undefined);
    expect(absent.status).toBe('fail');
    expect(absent.fix).toContain('module load chan_websocket.so');
    expect(judgeWebSocketModules(parseModuleShow(moduleShow('Not Running')), undefined).fix).toContain('Not Running');
  });
});

describe('probing /media/ from this workstation', () => {
  it('passes when chan_websocket answers (404 "WebSocket instance not found", as captured)', async () => {
    const fake = await new FakeAsterisk().start();
    servers.push({ close: (cb) => void fake.stop().then(cb) });
    const r = judgeMediaProbe(await probeMediaPath({ host: '127.0.0.1', port: fake.port, scheme: 'http' }));
    expect(r.status).toBe('pass');
    expect(r.evidence[0]!.output).toContain('HTTP 404');
  });

  it('fails when the HTTP server has no /media/ handler, when nothing listens, and when the certificate is not trusted', async () => {
    const plain: Server = createServer((_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    servers.push(plain);
    const noHandler = judgeMediaProbe(await probeMediaPath({ host: '127.0.0.1', port: (plain.address() as { port: number }).port, scheme: 'http' }));
    expect(noHandler.status).toBe('fail');
    expect(noHandler.fix).toMatch(/chan_websocket is not loaded/);

    const closed = judgeMediaProbe(await probeMediaPath({ host: '127.0.0.1', port: await freePort(), scheme: 'http' }), '192.0.2.7');
    expect(closed.fix).toMatch(/Nothing listens there.*fwconsole firewall trust 192\.0\.2\.7/);

    const certs = join(import.meta.dirname, '..', 'fakes', 'certs');
    const tls = createHttpsServer({ key: readFileSync(join(certs, 'server.key')), cert: readFileSync(join(certs, 'server.pem')) }, (_q, res) => res.writeHead(404).end('WebSocket instance not found'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    servers.push(tls);
    const port = (tls.address() as { port: number }).port;
    const untrusted = judgeMediaProbe(await probeMediaPath({ host: '127.0.0.1', port, scheme: 'https' }));
    expect(untrusted.status).toBe('fail');
    expect(untrusted.fix).toMatch(/certificate is not trusted/);
    const trusted = judgeMediaProbe(await probeMediaPath({ host: '127.0.0.1', port, scheme: 'https' }, { ca: readFileSync(join(certs, 'ca.pem')) }));
    expect(trusted.status).toBe('pass');
    expect(trusted.evidence[0]!.command).toContain(`wss://127.0.0.1:${port}/media/`);
  });
});

/** An app context whose dialplan picks the transport with Set(AI_TRANSPORT=…) before Stasis. */
const contextWithTransport = (name: string, ai: string, transport: string) =>
  `[${name}]\nexten => s,1,NoOp(AI)\n same => n,Set(AI_CONTEXT=${ai})\n same => n,Set(AI_TRANSPORT=${transport})\n same => n,Stasis(asterisk-ai-voice-agent)\n same => n,Hangup()\n`;
const byId = (rs: CheckResult[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

describe.skipIf(!canRunSshd || !hasFixtures)('over real SSH against the fake FreePBX', () => {
  it('audio_transport websocket: module from `module show like websocket`, version from `core show version`, probe against the PBX HTTP server', async () => {
    const pbx = await startFakePbx();
    const fake = await new FakeAsterisk().start();
    const hostKeys = memoryHostKeys();
    const session = await SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: readFileSync(pbx.clientKey) }, hostKeys, acceptHostKey: true });
    try {
      pbx.scenario({ 'module-show-like-websocket': moduleShow('Running') });
      const inp = testInputs(pbx.root, { ariPort: fake.port, enginePort: await freePort(), rtpStart: 30000, transport: 'websocket' });
      const facts = await gatherFacts(session, { rootPrefix: pbx.root, contexts: inp.contexts, mediaDir: inp.mediaDir });
      const rs = await websocketChecks(facts, inp);
      expect(rs.map((r) => [r.id, r.status])).toEqual([
        ['module-chan_websocket', 'pass'],
        ['websocket-version', 'pass'],
        ['websocket-media-path', 'pass'],
      ]);
      expect(rs[0]!.evidence[0]!.command).toContain('module show like websocket');
      expect(rs[0]!.evidence[0]!.output).toContain('chan_websocket.so');
      expect(rs[1]!.title).toContain('22.10.1');
      pbx.scenario();
      const missing = await websocketChecks(await gatherFacts(session, { rootPrefix: pbx.root, contexts: inp.contexts, mediaDir: inp.mediaDir }), inp);
      expect(missing[0]!.status).toBe('fail');
      const other = await websocketChecks(facts, { ...inp, transport: 'audiosocket' });
      expect(other.map((r) => r.status)).toEqual(['skip']);
    } finally {
      session.close();
      await fake.stop();
      await pbx.stop();
    }
  });

  it('PBX → engine ports: skipped with audio_transport websocket, checked for a context that picks audiosocket; websocket checks for a context that picks websocket', async () => {
    const pbx = await startFakePbx();
    const fake = await new FakeAsterisk().start();
    const hostKeys = memoryHostKeys();
    const session = await SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: readFileSync(pbx.clientKey) }, hostKeys, acceptHostKey: true });
    try {
      pbx.scenario({ 'module-show-like-websocket': moduleShow('Running') });
      const inp = testInputs(pbx.root, { ariPort: fake.port, enginePort: await freePort(), rtpStart: 30000 + Math.floor(Math.random() * 5000), transport: 'websocket', udpWaitMs: 300 });
      layoutHealthy(pbx.root, inp.contexts);
      const ws = byId((await runChecks(session, inp)).results);
      expect(ws['pbx-to-engine-tcp']!.status).toBe('skip');
      expect(ws['pbx-to-engine-rtp']!.status).toBe('skip');
      expect(ws['pbx-to-engine-tcp']!.fix).toMatch(/engine connects to the PBX's HTTP port/);
      expect(ws['module-chan_audiosocket']!.status).not.toBe('fail');
      expect(ws['websocket-media-path']!.status).toBe('pass');

      // The support context sends its calls over AudioSocket: the PBX must reach this workstation's TCP port again.
      const conf = `${pbx.root}/etc/asterisk/extensions_custom.conf`;
      writeFileSync(conf, [ETC_EXTENSIONS, contextWithTransport('from-ai-agent-sales', 'sales', 'websocket'), contextWithTransport('from-ai-agent-support', 'support', 'audiosocket')].join('\n'));
      const mixed = byId((await runChecks(session, inp)).results);
      expect(mixed['pbx-to-engine-tcp']).toMatchObject({ status: 'pass' });
      expect(mixed['pbx-to-engine-tcp']!.title).toContain('[from-ai-agent-support] Set(AI_TRANSPORT=audiosocket)');
      expect(mixed['pbx-to-engine-rtp']!.status).toBe('skip');
      const closed = byId((await runChecks(session, { ...inp, audiosocket: { ...inp.audiosocket, advertiseHost: '0.0.0.1' } })).results);
      expect(closed['pbx-to-engine-tcp']).toMatchObject({ status: 'fail' });

      // The other way round: audio_transport audiosocket, one context picks websocket, so chan_websocket is checked.
      const as = byId((await runChecks(session, { ...inp, transport: 'audiosocket' })).results);
      expect(as['module-chan_websocket']!.status).toBe('pass');
      expect(as['module-chan_websocket']!.title).toContain('[from-ai-agent-sales] Set(AI_TRANSPORT=websocket)');
      expect(as['websocket-transport']).toBeUndefined();
      expect(as['pbx-to-engine-rtp']!.status).not.toBe('skip');
    } finally {
      session.close();
      await fake.stop();
      await pbx.stop();
    }
  });
});
