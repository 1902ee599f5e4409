/**
 * How the contract travels.
 *
 * serve (WebSocket at /api/ws, HTTP at /api/<method>):
 *   client → server  {"id": 1, "method": "calls.get", "args": {...}}
 *   server → client  {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": ApiErrorBody}
 *   server → client  {"event": ApiEvent}
 *   HTTP: GET /api/<query>?args=<url-encoded JSON>, POST /api/<method> with a JSON body of args;
 *   answers the same {ok, result|error} envelope. When a token is configured, send
 *   `Authorization: Bearer <token>` (HTTP) or `?token=<token>` (WebSocket and media URLs).
 *   Media: GET /media/<path> (e.g. recordings/<id>/audio).
 *
 * Electron (preload → window.aava): the same envelope over IPC; media via aava-media://local/<path>.
 */
import type { ApiErrorBody } from './define.js';
import type { ApiEvent } from './events.js';

export type WireRequest = { id: number; method: string; args?: unknown };
export type WireResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ApiErrorBody };
export type WireEvent = { event: ApiEvent };
export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** What the Electron preload exposes as `window.aava` — nothing more. */
export interface PreloadBridge {
  invoke(method: string, args?: unknown): Promise<Envelope>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Base URL for media paths, e.g. "aava-media://local/". */
  readonly mediaBase: string;
  readonly platform: string;
}

export const API_WS_PATH = '/api/ws';
export const MEDIA_PREFIX = '/media/';
