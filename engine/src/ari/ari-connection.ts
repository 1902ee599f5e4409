/**
 * The engine's ARI link: loads the api-docs through ari-client (REST), keeps
 * the /ari/events WebSocket open, and reconnects with exponential backoff
 * capped at 30 s. The socket is pinged every 5 s; 10 s without an answer
 * counts as a dead link even when TCP never closed (liveness.ts). Calls in
 * flight keep their media while the socket is down; `connected` fires on
 * every open (`reconnect` false the first time) so the call service reconciles.
 */
import { withTimeout } from '../util/async.js';
import WebSocket from 'ws';
import type { Logger } from '../observability/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { AriRest, loadAriClient } from './ari-rest.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { LinkLiveness, type LivenessOptions } from './liveness.js';
import type { AriEvent } from './ari-types.js';

export interface AriSettings {
  host: string;
  port: number;
  scheme: 'http' | 'https';
  username: string;
  password: string;
  app_name: string;
}

export interface AriConnectionEvents extends Record<string, unknown> {
  event: AriEvent;
  connected: { reconnect: boolean };
  disconnected: { reason: string };
}

export interface AriConnectionOptions {
  log: Logger;
  backoff?: BackoffOptions;
  subscribeAll?: boolean;
  /** Keepalive: WebSocket ping every `intervalMs` (5 s); no answer for `timeoutMs` (10 s) drops and reopens the link. */
  liveness?: LivenessOptions;
  requestTimeoutMs?: number;
}

export class AriConnection {
  readonly events = new TypedEmitter<AriConnectionEvents>();
  private restClient?: AriRest;
  private ws?: WebSocket;
  private timer?: NodeJS.Timeout;
  private liveness?: LinkLiveness;
  private attempt = 0;
  private everConnected = false;
  private stopped = true;
  private _connected = false;
  private _reason = 'not started';

  constructor(
    private settings: AriSettings,
    private readonly opts: AriConnectionOptions,
  ) {}

  get connected(): boolean {
    return this._connected;
  }
  get reason(): string | undefined {
    return this._connected ? undefined : this._reason;
  }
  get appName(): string {
    return this.settings.app_name;
  }
  get baseUrl(): string {
    return `${this.settings.scheme}://${this.settings.host}:${this.settings.port}`;
  }
  /** REST, once the api-docs loaded (it stays usable while the events socket reconnects). */
  get rest(): AriRest | undefined {
    return this.restClient;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.liveness?.stop();
    this.timer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    this.setDown('stopped');
  }

  /** New settings (config reload): reconnect when anything that matters changed. */
  update(settings: AriSettings): void {
    const same = JSON.stringify(settings) === JSON.stringify(this.settings);
    if (same) return;
    this.settings = settings;
    this.restClient = undefined;
    if (!this.stopped) {
      this.stop();
      this.start();
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const s = this.settings;
    try {
      if (!this.restClient) {
        // swagger-client throws from a socket callback on a non-200 api-docs answer
        // (an uncaught exception): check the resource listing ourselves first.
        await this.preflight();
        if (this.stopped) return;
        const ari = loadAriClient(this.opts.log);
        const client = await withTimeout(ari.connect(this.baseUrl, s.username, s.password), this.opts.requestTimeoutMs ?? 10_000, 'answer to the ARI api-docs request');
        if (this.stopped) return;
        this.restClient = new AriRest(client, this.opts.requestTimeoutMs);
      }
      await this.openEvents();
    } catch (err) {
      this.scheduleRetry(describe(err, this.baseUrl));
    }
  }

  private async preflight(): Promise<void> {
    const s = this.settings;
    const url = `${this.baseUrl}/ari/api-docs/resources.json`;
    const res = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 10_000),
    }).catch((err: unknown) => {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new Error(`cannot reach ARI at ${this.baseUrl} (${cause?.code ?? (err as Error).message})`);
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 401) throw new Error(`ARI at ${this.baseUrl}: 401 authentication failed (check asterisk.username / asterisk.password)`);
    if (res.status === 403) throw new Error(`ARI at ${this.baseUrl}: 403 the ARI user may not read the api-docs`);
    if (res.status === 404) throw new Error(`ARI at ${this.baseUrl}: 404 no /ari/api-docs (is ARI enabled in ari.conf and http.conf?)`);
    if (res.status !== 200) throw new Error(`ARI at ${this.baseUrl}: HTTP ${res.status} for the api-docs`);
  }

  private openEvents(): Promise<void> {
    const s = this.settings;
    const q = new URLSearchParams({ app: s.app_name, api_key: `${s.username}:${s.password}` });
    if (this.opts.subscribeAll) q.set('subscribeAll', 'true');
    const url = `${s.scheme === 'https' ? 'wss' : 'ws'}://${s.host}:${s.port}/ari/events?${q.toString()}`;
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: this.opts.requestTimeoutMs ?? 10_000 });
      this.ws = ws;
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        ws.terminate();
        reject(new Error(status === 401 ? 'ARI events: 401 authentication failed (asterisk.username/password)' : `ARI events: HTTP ${status}`));
      });
      ws.on('open', () => {
        opened = true;
        const reconnect = this.everConnected;
        this.everConnected = true;
        this.attempt = 0;
        this._connected = true;
        this._reason = '';
        this.watch(ws);
        this.opts.log.info({ url: this.baseUrl, app: s.app_name, reconnect }, 'ARI connected');
        this.events.emit('connected', { reconnect });
        resolve();
      });
      ws.on('message', (data) => {
        this.liveness?.answered();
        let ev: AriEvent;
        try {
          ev = JSON.parse(data.toString()) as AriEvent;
        } catch {
          this.opts.log.warn('ARI sent a frame that is not JSON; ignored');
          return;
        }
        this.events.emit('event', ev);
      });
      ws.on('pong', () => this.liveness?.answered());
      ws.on('error', (err) => {
        if (!opened) reject(err);
      });
      ws.on('close', () => {
        if (this.ws !== ws) return;
        this.liveness?.stop();
        this.ws = undefined;
        if (!opened) return reject(new Error('ARI events socket closed during the handshake'));
        this.scheduleRetry('ARI events socket closed');
      });
    });
  }

  /** Pings the events socket; a link that stays silent is torn down and reopened (TCP may never say so). */
  private watch(ws: WebSocket): void {
    this.liveness?.stop();
    this.liveness = new LinkLiveness(
      () => ws.ping(),
      (silentMs) => {
        if (this.ws !== ws) return;
        this.ws = undefined;
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        this.opts.log.warn({ silentMs }, 'ARI events socket answered nothing; reconnecting');
        this.scheduleRetry(`ARI events socket silent for ${Math.round(silentMs / 1000)} s (no answer to pings)`);
      },
      this.opts.liveness,
    );
    this.liveness.start();
  }

  private setDown(reason: string): void {
    const was = this._connected;
    this._connected = false;
    this._reason = reason;
    if (was) this.events.emit('disconnected', { reason });
  }

  private scheduleRetry(reason: string): void {
    this.setDown(reason);
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.opts.backoff);
    this.opts.log.warn({ reason, retryInMs: delay, attempt: this.attempt }, 'ARI not connected; retrying');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}

function describe(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.code === 'ECONNREFUSED' || e?.name === 'HostIsNotReachable') return `cannot reach ARI at ${url} (${e.code ?? e.message})`;
  if (typeof err === 'string') return `ARI api-docs: ${err.slice(0, 200)}`;
  return e?.message ? e.message.slice(0, 300) : String(err);
}
