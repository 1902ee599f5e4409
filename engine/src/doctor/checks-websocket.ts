/**
 * Checks for the WebSocket media transport (chan_websocket, server mode): the
 * module is loaded, the Asterisk version has chan_websocket (20.16+, 21.11+,
 * 22.6+, 23.0+) and its JSON control messages (20.18+, 22.8+, 23.2+), and the
 * PBX's HTTP server answers on /media/ from this workstation — the only port
 * this transport needs, since the engine connects out to the PBX.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CheckResult } from '../api/doctor.js';
import type { AsteriskVersion } from './cli-parsers.js';
import { moduleState, type ModuleTable } from './cli-parsers.js';
import { check, type DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';
import { trimOutput, type Evidence } from './remote-batch.js';
import { transportsInUse } from './transports-in-use.js';

/** First minor release of each major with chan_websocket, and with its JSON control messages (undefined: none). */
const FIRST: Record<number, { channel: number; json?: number }> = { 20: { channel: 16, json: 18 }, 21: { channel: 11 }, 22: { channel: 6, json: 8 }, 23: { channel: 0, json: 2 } };

export function judgeWebSocketVersion(v: AsteriskVersion | undefined, ev: Evidence | undefined): CheckResult {
  const id = 'websocket-version';
  if (!v) return check(id, 'Asterisk version with chan_websocket', 'fail', [ev], 'Cannot read the Asterisk version (`core show version`).');
  const first = v.major >= 24 ? { channel: 0, json: 0 } : FIRST[v.major];
  const upgrade = 'Upgrade to Asterisk 20.18+, 22.8+ or 23.2+ (FreePBX: `asterisk-switch-version`), or use audio_transport audiosocket.';
  if (!first || v.minor < first.channel) return check(id, `Asterisk ${v.version} has no chan_websocket`, 'fail', [ev], `chan_websocket arrived in 20.16, 21.11, 22.6 and 23.0. ${upgrade}`);
  if (first.json === undefined || v.minor < first.json) {
    return check(id, `Asterisk ${v.version}: chan_websocket without JSON control messages`, 'warn', [ev], `JSON control messages arrived in 20.18, 22.8 and 23.2; the engine falls back to plain-text ones. ${upgrade}`);
  }
  return check(id, `Asterisk ${v.version}: chan_websocket with JSON control messages`, 'pass', [ev]);
}

export function judgeWebSocketModules(table: ModuleTable, ev: Evidence | undefined): CheckResult {
  const id = 'module-chan_websocket';
  const title = 'Module chan_websocket (the WebSocket media transport)';
  const st = moduleState(table, 'chan_websocket');
  if (st === 'running') return check(id, title, 'pass', [ev]);
  const deps = ['res_http_websocket', 'res_websocket_client'].filter((m) => moduleState(table, m) !== 'running');
  const what = st === 'absent' ? 'is not loaded' : 'is present but Not Running';
  const also = deps.length ? ` It needs ${deps.join(' and ')}, which ${deps.length > 1 ? 'are' : 'is'} not running either.` : '';
  return check(id, title, 'fail', [ev], `chan_websocket ${what}: \`asterisk -rx "module load chan_websocket.so"\` and remove any noload for it in modules.conf.${also}`);
}

export interface MediaProbe {
  url: string;
  status?: number;
  body?: string;
  error?: string;
}

/** Opens a WebSocket upgrade to /media/<zero id> on the PBX's HTTP server, as the engine's legs do (same TLS checks). */
export function probeMediaPath(ari: DoctorInputs['ari'], opts: { timeoutMs?: number; ca?: string | Buffer } = {}): Promise<MediaProbe> {
  const host = ari.host.includes(':') && !ari.host.startsWith('[') ? `[${ari.host}]` : ari.host;
  const url = `${ari.scheme === 'https' ? 'wss' : 'ws'}://${host}:${ari.port}/media/00000000-0000-0000-0000-000000000000`;
  const headers = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': 'media' };
  const target = { host: ari.host, port: ari.port, path: '/media/00000000-0000-0000-0000-000000000000', headers, timeout: opts.timeoutMs ?? 5000, ...(opts.ca ? { ca: opts.ca } : {}) };
  return new Promise((resolve) => {
    const done = (r: Omit<MediaProbe, 'url'>, req: ClientRequest) => {
      req.destroy();
      resolve({ url, ...r });
    };
    const req = (ari.scheme === 'https' ? httpsRequest : httpRequest)(target);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 16 && chunks.push(c));
      res.on('end', () => done({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }, req));
      res.on('error', (e) => done({ error: e.message }, req));
    });
    req.on('upgrade', (res: IncomingMessage, socket) => {
      socket.destroy();
      done({ status: res.statusCode }, req);
    });
    req.on('timeout', () => done({ error: `no answer within ${(opts.timeoutMs ?? 5000) / 1000} s (filtered by a firewall?)` }, req));
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }, req));
    req.end();
  });
}

export function judgeMediaProbe(p: MediaProbe, sshClientIp?: string): CheckResult {
  const id = 'websocket-media-path';
  const ev: Evidence = { command: `WebSocket upgrade GET ${p.url} (from this workstation)`, output: p.error ?? `HTTP ${p.status}\n${trimOutput(p.body ?? '')}` };
  const title = `PBX HTTP server ${p.url.replace(/00000000-.*$/, '')} reachable from this workstation`;
  if (p.status === 404 && /WebSocket instance not found/i.test(p.body ?? '')) return check(id, `${title} (chan_websocket answers)`, 'pass', [ev]);
  if (p.status !== undefined) {
    const why = p.status === 404 ? 'answers, but nothing serves /media/ there: chan_websocket is not loaded on this server' : `answers HTTP ${p.status} instead of chan_websocket's 404 for an unknown connection id`;
    return check(id, title, 'fail', [ev], `The HTTP server ${why}. Load chan_websocket.so and check that asterisk.host/port point at Asterisk's own HTTP server (http.conf), not a proxy.`);
  }
  const e = p.error ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e)) {
    return check(id, title, 'fail', [ev], `The PBX's certificate is not trusted (${e}). The media WebSocket checks it exactly like the ARI connection: install a certificate this workstation trusts, or add its CA through NODE_EXTRA_CA_CERTS.`);
  }
  const me = sshClientIp ?? "this workstation's address";
  const hint = e === 'ECONNREFUSED' ? 'Nothing listens there: check bindaddr/bindport (tlsbindaddr for https) in http.conf. ' : '';
  return check(id, title, 'fail', [ev], `${hint}Allow TCP to the HTTP port from ${me} in the PBX firewall (FreePBX: \`fwconsole firewall trust ${me}\`). This is the only port the WebSocket transport needs.`);
}

/**
 * All WebSocket-transport checks (the module table comes from `module show like websocket`, one of
 * MODULE_LIKES); a single "skip" unless audio_transport is websocket or a dialplan context sets AI_TRANSPORT=websocket.
 */
export async function websocketChecks(f: PbxFacts, inp: DoctorInputs): Promise<CheckResult[]> {
  const why = transportsInUse(f, inp).get('websocket');
  if (!why) {
    return [check('websocket-transport', 'WebSocket media transport (chan_websocket)', 'skip', [], 'Only needed with audio_transport: websocket (or a dialplan context that sets AI_TRANSPORT=websocket).')];
  }
  const probe = await probeMediaPath(inp.ari);
  const modules = judgeWebSocketModules(f.modules, f.evidence['modules-websocket']);
  if (why !== 'audio_transport') modules.title += ` — used by ${why}`;
  return [modules, judgeWebSocketVersion(f.version, f.evidence.version), judgeMediaProbe(probe, f.sshClientIp)];
}
