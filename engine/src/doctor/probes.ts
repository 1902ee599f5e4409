/**
 * Network probes run from this workstation: TCP reachability of ARI, the
 * end-to-end recordings proof over HTTP (list, then download one file), and
 * short-lived listeners that let the PBX prove it can reach the engine's
 * AudioSocket port (TCP) and RTP range (UDP).
 */
import { connect, createServer, isIP, type Server } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';

export function tcpProbe(host: string, port: number, timeoutMs = 5000): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (r: { ok: boolean; error?: string }) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${timeoutMs / 1000} s (filtered by a firewall?)` }), timeoutMs);
    sock.once('connect', () => done({ ok: true }));
    sock.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
  });
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

function normalizeFp(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

/**
 * GET with Basic auth. `pin` (SHA-256 of the certificate, any separators) trusts exactly that
 * certificate for https (self-signed PBX certificates); without it the normal CA checks apply.
 */
export async function httpGet(url: string, auth: { username: string; password: string }, opts: { timeoutMs?: number; maxBytes?: number; pin?: string } = {}): Promise<HttpAnswer> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBytes = opts.maxBytes ?? 64 << 20;
  const u = new URL(url);
  let socket: TLSSocket | undefined;
  if (u.protocol === 'https:' && opts.pin) {
    const pin = normalizeFp(opts.pin);
    socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ host: u.hostname, port: Number(u.port || 443), servername: isIP(u.hostname) ? undefined : u.hostname, rejectUnauthorized: false });
      s.once('error', reject);
      s.setTimeout(timeoutMs, () => s.destroy(new Error(`${u.host}: no TLS handshake within ${timeoutMs / 1000} s`)));
      s.once('secureConnect', () => {
        const presented = normalizeFp(s.getPeerCertificate().fingerprint256 ?? '');
        if (presented !== pin) {
          s.destroy();
          reject(new Error(`${u.host}: certificate fingerprint ${presented} does not match the trusted one`));
        } else resolve(s);
      });
    });
  }
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    const onRes = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n <= maxBytes) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    };
    const req = socket
      ? httpRequest({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: 'GET', headers, timeout: timeoutMs, createConnection: () => socket }, onRes)
      : (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', headers, timeout: timeoutMs }, onRes);
    req.on('timeout', () => req.destroy(new Error(`GET ${u.pathname}: no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** ARI recording names contain "/"; in the URL they must be %2F (literal slashes give 404 "Resource not found"). */
export function recordingFileUrl(base: string, name: string): string {
  return `${base}/ari/recordings/stored/${encodeURIComponent(name)}/file`;
}

export type DownloadVerdict =
  | { ok: true; bytes: number; contentType: string }
  | { ok: false; reason: string; bytes: number; body?: string };

/** Classifies a /file answer: real audio, or the small JSON error (e.g. 33-byte {"message":"Recording not found"}). */
export function judgeDownload(a: HttpAnswer): DownloadVerdict {
  const text = a.body.length < 512 ? a.body.toString('utf8') : undefined;
  const looksJson = /json/i.test(a.contentType) || (text !== undefined && /^\s*\{/.test(text));
  if (a.status !== 200 || looksJson) {
    return { ok: false, bytes: a.body.length, reason: `HTTP ${a.status}, ${a.body.length}-byte ${looksJson ? 'JSON error' : 'body'} instead of audio`, body: text?.trim() };
  }
  if (a.body.length <= 44) return { ok: false, bytes: a.body.length, reason: `only ${a.body.length} bytes (a WAV header at most)` };
  return { ok: true, bytes: a.body.length, contentType: a.contentType };
}

/** Listens on TCP port (all interfaces) if it is free; resolves undefined when something (the engine) already listens. */
export function tcpListenIfFree(port: number): Promise<{ server?: Server; accepted: () => number }> {
  return new Promise((resolve) => {
    let count = 0;
    const server = createServer((s) => {
      count++;
      s.destroy();
    });
    server.once('error', () => resolve({ accepted: () => count }));
    server.listen(port, () => resolve({ server, accepted: () => count }));
  });
}

export interface UdpCatcher {
  port: number;
  token: string;
  received(waitMs: number): Promise<boolean>;
  close(): void;
}

/** Binds the first free UDP port in [start, end] and waits for a datagram carrying a random token. */
export async function udpCatcher(start: number, end: number): Promise<UdpCatcher | undefined> {
  const token = `aava-doctor-${randomBytes(6).toString('hex')}`;
  for (let port = start; port <= end; port++) {
    const sock: UdpSocket = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      sock.once('error', () => resolve(false));
      sock.bind(port, () => resolve(true));
    });
    if (!ok) {
      sock.close();
      continue;
    }
    let got = false;
    const waiters: (() => void)[] = [];
    sock.on('message', (m) => {
      if (m.toString('utf8').includes(token)) {
        got = true;
        for (const w of waiters.splice(0)) w();
      }
    });
    return {
      port,
      token,
      received: (waitMs) =>
        got
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const t = setTimeout(() => resolve(got), waitMs);
              waiters.push(() => {
                clearTimeout(t);
                resolve(true);
              });
            }),
      close: () => sock.close(),
    };
  }
  return undefined;
}
