/**
 * ARI REST through `ari-client` (which loads Asterisk's Swagger api-docs and
 * builds the operations). We call its Swagger operations directly so the
 * HTTP status survives (ari-client's own wrapper keeps only the body text),
 * and add a per-request timeout. The old swagger-client prints a deprecation
 * notice through a global `log` function; that is routed to our logger.
 */
import { createRequire } from 'node:module';
import type { Logger } from '../observability/logger.js';
import { AriError, ariErrorMessage, type AriBridge, type AriChannel, type AriPlayback } from './ari-types.js';

interface SwaggerResponse {
  status: number;
  data?: unknown;
  obj?: unknown;
}
type SwaggerOp = (args: Record<string, unknown>, ok: (r: SwaggerResponse) => void, err: (r: SwaggerResponse) => void) => void;
export interface AriClientLike {
  _swagger: { apis: Record<string, Record<string, SwaggerOp> | undefined> };
}
interface AriClientModule {
  connect(url: string, user: string, pass: string): Promise<AriClientLike>;
}

let loaded: AriClientModule | undefined;
let swaggerLog: Logger | undefined;

/** Loads ari-client once and silences swagger-client's console print (it goes to debug logs instead). */
export function loadAriClient(log: Logger): AriClientModule {
  swaggerLog = log;
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require('ari-client') as AriClientModule;
    (globalThis as { log?: unknown }).log = (...args: unknown[]) => swaggerLog?.debug({ swagger: args.map(String).join(' ').slice(0, 300) }, 'swagger-client');
  }
  return loaded;
}

export interface ExternalMediaRequest {
  app: string;
  external_host: string;
  encapsulation: 'audiosocket' | 'rtp';
  transport: 'tcp' | 'udp';
  format: string;
  direction?: string;
  data?: string;
  channelId?: string;
}

export class AriRest {
  constructor(
    private readonly client: AriClientLike,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Runs one Swagger operation; resolves with the parsed body, rejects with AriError. */
  call<T = unknown>(resource: string, op: string, args: Record<string, unknown> = {}): Promise<T> {
    const name = `${resource}.${op}`;
    const fn = this.client._swagger.apis[resource]?.[op];
    if (!fn) return Promise.reject(new AriError(0, 'operation not in the api-docs', name));
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (v !== undefined) clean[k] = v;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AriError(0, `no answer within ${this.timeoutMs} ms`, name)), this.timeoutMs);
      try {
        fn(
          clean,
          (r) => {
            clearTimeout(timer);
            resolve(parseBody(r) as T);
          },
          (r) => {
            clearTimeout(timer);
            reject(new AriError(r?.status ?? 0, r?.status ? ariErrorMessage(r.obj ?? (Buffer.isBuffer(r.data) ? r.data.toString('utf8') : r.data)) : 'connection failed', name));
          },
        );
      } catch (err) {
        clearTimeout(timer);
        reject(new AriError(0, (err as Error).message ?? String(err), name));
      }
    });
  }

  ping(): Promise<unknown> {
    return this.call('asterisk', 'ping');
  }
  getChannel(channelId: string): Promise<AriChannel> {
    return this.call('channels', 'get', { channelId });
  }
  listChannels(): Promise<AriChannel[]> {
    return this.call('channels', 'list');
  }
  answer(channelId: string): Promise<void> {
    return this.call('channels', 'answer', { channelId });
  }
  hangup(channelId: string): Promise<void> {
    return this.call('channels', 'hangup', { channelId });
  }
  /** Channel variable, or undefined when it is not set (404). */
  async getVar(channelId: string, variable: string): Promise<string | undefined> {
    try {
      const r = await this.call<{ value?: string }>('channels', 'getChannelVar', { channelId, variable });
      return r?.value;
    } catch (err) {
      if (err instanceof AriError && err.status === 404 && /variable/i.test(err.message)) return undefined;
      throw err;
    }
  }
  setVar(channelId: string, variable: string, value: string): Promise<void> {
    return this.call('channels', 'setChannelVar', { channelId, variable, value });
  }
  continueInDialplan(channelId: string, context: string, extension: string, priority: number): Promise<void> {
    return this.call('channels', 'continueInDialplan', { channelId, context, extension, priority });
  }
  /** POST /channels/{id}/continue without a target: the dialplan goes on after `Stasis()`. */
  continueAfterStasis(channelId: string): Promise<void> {
    return this.call('channels', 'continueInDialplan', { channelId });
  }
  play(channelId: string, media: string, playbackId: string): Promise<AriPlayback> {
    return this.call('channels', 'play', { channelId, media, playbackId });
  }
  stopPlayback(playbackId: string): Promise<void> {
    return this.call('playbacks', 'stop', { playbackId });
  }
  externalMedia(req: ExternalMediaRequest): Promise<AriChannel> {
    return this.call('channels', 'externalMedia', { ...req });
  }
  originate(req: { endpoint: string; app: string; appArgs?: string; channelId?: string }): Promise<AriChannel> {
    return this.call('channels', 'originate', { ...req });
  }
  createBridge(name: string): Promise<AriBridge> {
    return this.call('bridges', 'create', { type: 'mixing', name });
  }
  addChannel(bridgeId: string, channel: string): Promise<void> {
    return this.call('bridges', 'addChannel', { bridgeId, channel });
  }
  destroyBridge(bridgeId: string): Promise<void> {
    return this.call('bridges', 'destroy', { bridgeId });
  }
  listBridges(): Promise<AriBridge[]> {
    return this.call('bridges', 'list');
  }
}

function parseBody(r: SwaggerResponse | undefined): unknown {
  if (!r) return undefined;
  if (r.obj !== undefined && !(typeof r.obj === 'object' && r.obj !== null && Object.keys(r.obj).length === 0 && !r.data)) return r.obj;
  const d = r.data;
  const text = Buffer.isBuffer(d) ? d.toString('utf8') : typeof d === 'string' ? d : undefined;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
