/**
 * ARI stored-recordings client over HTTP or HTTPS with Basic auth.
 *
 * TLS trust: without a pin, the normal CA and host-name checks apply. With a
 * pinned SHA-256 fingerprint ("trust this certificate"), each connection is
 * opened by us, the peer certificate's fingerprint is compared once the
 * handshake is done, and only a match gets the socket handed to the request —
 * credentials are never written to a server that presents another certificate.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { encodeRecordingName } from './freepbx-name.js';

export interface AriEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  /** SHA-256 of the trusted certificate, `AA:BB:...` (case and colons ignored). */
  trustFingerprint?: string;
}

export interface ClientOptions {
  /** Connect + first byte, ms. */
  timeoutMs?: number;
  /** Parallel sockets (downloads). */
  maxSockets?: number;
}

/** A network/TLS failure, with Node's error code kept (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, CERT_PIN_MISMATCH, ...). */
export class AriConnectError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly presentedFingerprint?: string,
  ) {
    super(message);
    this.name = 'AriConnectError';
  }
  get retryable(): boolean {
    return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(this.code);
  }
}

/** `AA:BB:…` from any common spelling, including openssl's `sha256 Fingerprint=aa:bb:…` line. */
export function normalizeFingerprint(fp: string): string {
  const value = fp.includes('=') ? fp.slice(fp.lastIndexOf('=') + 1) : fp;
  const hex = value.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

export interface TextResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface DownloadResult {
  status: number;
  contentType: string;
  bytes: number;
  /** Content-Length, when the server sent one. */
  expectedBytes?: number;
  /** `Last-Modified` or `ETag`, when sent. */
  version?: string;
  /** Body text when status is not 200 (at most 64 KiB). */
  errorBody?: string;
}

/** What GET /file says about a stored file before its body (Asterisk 22: Content-Length, no Last-Modified/ETag). */
export interface FileStamp {
  status: number;
  /** Content-Length. */
  size?: number;
  /** `Last-Modified` or `ETag`, when something in front of ARI adds one (Asterisk itself sends neither). */
  version?: string;
}

type ConnectCallback = (err: Error | null, s?: Duplex) => void;

/** An https.Agent whose sockets are handed out only after the peer certificate matched the pin. */
function pinnedAgent(pin: string, opts: https.AgentOptions): https.Agent {
  const agent = new https.Agent(opts);
  const createConnection = (options: tls.ConnectionOptions, cb?: ConnectCallback): undefined => {
    const done: ConnectCallback = cb ?? (() => undefined);
    // Chain and name checks are replaced by the pin comparison below, which runs before any byte of the request.
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    const onError = (err: Error) => done(err);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      const presented = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
      if (presented !== pin) {
        socket.destroy();
        done(new AriConnectError('CERT_PIN_MISMATCH', `certificate fingerprint ${presented} does not match the trusted ${pin}`, presented));
        return;
      }
      done(null, socket);
    });
    return undefined;
  };
  (agent as unknown as { createConnection: typeof createConnection }).createConnection = createConnection;
  return agent;
}

/** Responses cut by the idle timeout, so the body's "aborted" error can say why. */
const stalled = new WeakMap<http.IncomingMessage, AriConnectError>();

function toConnectError(err: unknown, presented?: string): AriConnectError {
  if (err instanceof AriConnectError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e.code ?? 'UNKNOWN';
  return new AriConnectError(code, e.message || code, presented);
}

export class AriRecordingsClient {
  private readonly agent: http.Agent;
  private readonly auth: string;
  private readonly timeoutMs: number;

  constructor(
    readonly endpoint: AriEndpoint,
    opts: ClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 4 };
    if (!endpoint.tls) this.agent = new http.Agent(agentOpts);
    else if (endpoint.trustFingerprint) this.agent = pinnedAgent(normalizeFingerprint(endpoint.trustFingerprint), agentOpts);
    else this.agent = new https.Agent(agentOpts);
    this.auth = `Basic ${Buffer.from(`${endpoint.username}:${endpoint.password}`).toString('base64')}`;
  }

  get baseUrl(): string {
    return `${this.endpoint.tls ? 'https' : 'http'}://${this.endpoint.host}:${this.endpoint.port}`;
  }

  close(): void {
    this.agent.destroy();
  }

  private request(path: string, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const mod = this.endpoint.tls ? https : http;
    return new Promise((resolve, reject) => {
      let response: http.IncomingMessage | undefined;
      const req = mod.request(
        {
          host: this.endpoint.host,
          port: this.endpoint.port,
          path,
          method: 'GET',
          agent: this.agent,
          headers: { authorization: this.auth, accept: 'application/json, audio/*' },
          signal,
          servername: isIP(this.endpoint.host) ? undefined : this.endpoint.host,
        },
        // The socket timeout stays on while the body streams: a download that stalls is cut after timeoutMs of silence.
        (res) => {
          response = res;
          resolve(res);
        },
      );
      req.setTimeout(this.timeoutMs, () => {
        const err = new AriConnectError('ETIMEDOUT', `nothing received for ${this.timeoutMs} ms`);
        if (response) stalled.set(response, err);
        req.destroy(err);
      });
      req.once('error', (err) => reject(toConnectError(err)));
      req.end();
    });
  }

  /** GET a JSON resource as text (status and body kept for diagnosis). */
  async getText(path: string, signal?: AbortSignal): Promise<TextResponse> {
    const res = await this.request(path, signal);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of res as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > 256 * 1024 * 1024) throw new AriConnectError('ETOOBIG', `${path}: response larger than 256 MiB`);
        chunks.push(c);
      }
    } catch (err) {
      res.destroy();
      throw stalled.get(res) ?? toConnectError(err);
    }
    return { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') };
  }

  /** GET /ari/recordings/stored. */
  listStored(signal?: AbortSignal): Promise<TextResponse> {
    return this.getText('/ari/recordings/stored', signal);
  }

  /**
   * The file's size (and version stamp, if any) from the headers of GET /file; the body is not
   * read (ARI has no HEAD and no conditional GET): the connection is closed after the headers.
   */
  async stamp(name: string, signal?: AbortSignal): Promise<FileStamp> {
    const res = await this.request(`/ari/recordings/stored/${encodeRecordingName(name)}/file`, signal);
    res.destroy();
    const len = res.headers['content-length'];
    const version = res.headers['last-modified'] ?? res.headers.etag;
    const out: FileStamp = { status: res.statusCode ?? 0 };
    if (len !== undefined && /^\d+$/.test(len)) out.size = Number(len);
    if (typeof version === 'string' && version) out.version = version.slice(0, 200);
    return out;
  }

  /**
   * Streams `/ari/recordings/stored/{name}/file` into `sink` (only when 200).
   * `onBytes` sees each chunk's size. The promise settles once the body ended
   * and `sink` accepted it.
   */
  async download(
    name: string,
    sink: (chunk: Buffer) => Promise<void> | void,
    opts: { signal?: AbortSignal; onBytes?: (n: number) => void; headOnly?: number } = {},
  ): Promise<DownloadResult> {
    const res = await this.request(`/ari/recordings/stored/${encodeRecordingName(name)}/file`, opts.signal);
    const status = res.statusCode ?? 0;
    const contentType = String(res.headers['content-type'] ?? '');
    const lenHeader = res.headers['content-length'];
    const expectedBytes = lenHeader !== undefined && /^\d+$/.test(lenHeader) ? Number(lenHeader) : undefined;
    const stampHeader = res.headers['last-modified'] ?? res.headers.etag;
    const version = typeof stampHeader === 'string' && stampHeader ? stampHeader.slice(0, 200) : undefined;
    if (status !== 200) {
      const chunks: Buffer[] = [];
      let n = 0;
      try {
        for await (const c of res as AsyncIterable<Buffer>) {
          if (n < 65536) chunks.push(c);
          n += c.length;
        }
      } catch (err) {
        throw stalled.get(res) ?? toConnectError(err);
      }
      return { status, contentType, bytes: n, expectedBytes, errorBody: Buffer.concat(chunks).toString('utf8').slice(0, 65536) };
    }
    let bytes = 0;
    try {
      for await (const c of res as AsyncIterable<Buffer>) {
        bytes += c.length;
        await sink(c);
        opts.onBytes?.(c.length);
        if (opts.headOnly !== undefined && bytes >= opts.headOnly) {
          res.destroy();
          return { status, contentType, bytes, expectedBytes, version };
        }
      }
    } catch (err) {
      res.destroy();
      throw stalled.get(res) ?? toConnectError(err);
    }
    if (!res.complete && opts.headOnly === undefined) throw new AriConnectError('ECONNRESET', `download of "${name}" ended early after ${bytes} bytes`);
    return { status, contentType, bytes, expectedBytes, version };
  }
}

/**
 * Opens a TLS connection only to read the server certificate (no request is
 * sent), for "trust this certificate" and for telling a changed certificate
 * from an untrusted one.
 */
export function fetchCertificateFingerprint(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: isIP(host) ? undefined : host });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      socket.destroy();
      if (fp) resolve(normalizeFingerprint(fp));
      else reject(new AriConnectError('NO_CERT', 'the server presented no certificate'));
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(toConnectError(err));
    });
  });
}
