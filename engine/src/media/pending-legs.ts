/**
 * Legs a transport allocated whose connection from Asterisk has not come yet
 * (AudioSocket: the UUID frame; RTP: the first packet or the remote hint;
 * WebSocket media: the upgrade). Shared by every transport: one map by key,
 * one connect timeout per entry, cancel with a message naming the call, and
 * the PendingLeg object the call session holds.
 */
import { Deferred } from '../util/async.js';
import type { ExternalMediaParams, MediaLeg, PendingLeg } from './transport.js';

export interface PendingEntry<T> {
  readonly key: string;
  readonly callId: string;
  readonly data: T;
  readonly connected: Promise<MediaLeg>;
  /** The leg is built: the call session's `connected` resolves with it. */
  resolve(leg: MediaLeg): void;
}

interface Entry<T> extends PendingEntry<T> {
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export interface PendingLegsOptions<T> {
  /** Error prefix for one entry, e.g. `audiosocket leg for call <id>`. */
  describe(e: PendingEntry<T>): string;
  /** 0 = never time out. */
  connectTimeoutMs: number;
  /** Why a connect timeout fired (e.g. `Asterisk did not connect within 30000 ms`). */
  timeoutReason(ms: number): string;
  /** Frees what the entry holds (a port, a socket) when it is cancelled or times out. */
  onCancel?(e: PendingEntry<T>): void;
}

export class PendingLegs<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly opts: PendingLegsOptions<T>) {}

  get size(): number {
    return this.entries.size;
  }

  /** Connect timers running (leak checks). */
  timers(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.timer) n++;
    return n;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string, callId: string, data: T): PendingEntry<T> {
    if (this.entries.has(key)) throw new Error(`pending leg ${key} already exists`);
    const d = new Deferred<MediaLeg>();
    const e: Entry<T> = { key, callId, data, connected: d.promise, resolve: d.resolve, reject: d.reject, timer: undefined };
    const ms = this.opts.connectTimeoutMs;
    if (ms > 0) {
      e.timer = setTimeout(() => this.cancel(key, this.opts.timeoutReason(ms)), ms);
      e.timer.unref();
    }
    this.entries.set(key, e);
    return e;
  }

  /** The connection came: the entry leaves the pending set (its timer stops); resolve it once the leg is built. */
  claim(key: string): PendingEntry<T> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.timer) clearTimeout(e.timer);
    return e;
  }

  /** Gives up on one entry: frees it (onCancel) and rejects its `connected`. */
  cancel(key: string, why: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    if (e.timer) clearTimeout(e.timer);
    this.opts.onCancel?.(e);
    e.reject(new Error(`${this.opts.describe(e)}: ${why}`));
  }

  cancelAll(why: string): void {
    for (const key of [...this.entries.keys()]) this.cancel(key, why);
  }

  /** The PendingLeg the call session holds for `e`. */
  pendingLeg(e: PendingEntry<T>, fields: { externalMedia: ExternalMediaParams; originateEndpoint?: string; setRemoteHint?(host: string, port: number): void }): PendingLeg {
    return {
      id: e.callId,
      connected: e.connected,
      cancel: (why?: string) => this.cancel(e.key, why ?? 'cancelled'),
      ...fields,
    };
  }
}
