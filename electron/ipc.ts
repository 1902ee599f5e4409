/**
 * The one IPC entry point: `aava:invoke` (method, args) → Envelope, and the
 * event channel pushing engine bus events to the window. Every call is
 * checked: the sender must be the main window's top frame showing the app
 * origin, the method must be in the contract, and the arguments are
 * validated against the contract's zod schemas by the engine's ApiRouter.
 */
import { API_METHOD_NAMES } from '../engine/src/api/method-names.js';
import type { Envelope } from '../engine/src/api/wire.js';
import type { ApiEvent } from '../engine/src/api/events.js';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from './channels.js';
import { isAppUrl } from './security.js';

const ALLOWED = new Set<string>(API_METHOD_NAMES);

export interface FrameLike {
  url: string;
  parent?: FrameLike | null;
}

export interface ContentsLike {
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface WindowLike {
  isDestroyed(): boolean;
  readonly webContents: ContentsLike;
}

export interface InvokeEventLike {
  sender: unknown;
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface LoggerLike {
  warn(obj: object, msg: string): void;
}

export type SenderCheck = { ok: true } | { ok: false; reason: string };

/** Is this IPC message from the app page in the main window's top frame? */
export function checkSender(event: InvokeEventLike, win: WindowLike | undefined | null): SenderCheck {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return { ok: false, reason: 'no main window' };
  if (event.sender !== win.webContents) return { ok: false, reason: 'sender is not the main window' };
  const frame = event.senderFrame;
  if (!frame) return { ok: false, reason: 'sender frame is gone' };
  if (frame !== win.webContents.mainFrame || frame.parent) return { ok: false, reason: 'sender is a subframe' };
  if (!isAppUrl(frame.url)) return { ok: false, reason: 'sender frame is not on the app origin' };
  return { ok: true };
}

function isAllowedMethod(method: unknown): method is (typeof API_METHOD_NAMES)[number] {
  return typeof method === 'string' && ALLOWED.has(method);
}

export interface IpcBridgeOptions {
  ipcMain: IpcMainLike;
  getWindow: () => WindowLike | undefined | null;
  /** engine.router.invoke: validates args with the contract's zod schemas, runs the handler. */
  invoke: (method: string, args: unknown) => Promise<Envelope>;
  log?: LoggerLike;
  /** Called after each successful call (e.g. to refresh the CSP when the softphone account changed). */
  afterInvoke?: (method: string, result: Envelope) => void;
}

/** Registers the invoke handler; returns a function that removes it (shutdown). */
export function registerInvokeHandler(opts: IpcBridgeOptions): () => void {
  opts.ipcMain.handle(INVOKE_CHANNEL, async (event, method, args) => {
    const sender = checkSender(event, opts.getWindow());
    if (!sender.ok) {
      opts.log?.warn({ reason: sender.reason, frameUrl: event.senderFrame?.url }, 'IPC call refused');
      return { ok: false, error: { code: 'unauthorized', message: `IPC refused: ${sender.reason}` } } satisfies Envelope;
    }
    if (!isAllowedMethod(method)) {
      return { ok: false, error: { code: 'not_found', message: `unknown method "${String(method).slice(0, 64)}"` } } satisfies Envelope;
    }
    let result: Envelope;
    try {
      result = await opts.invoke(method, args);
    } catch (err) {
      result = { ok: false, error: { code: 'internal', message: (err as Error)?.message ?? String(err) } };
    }
    if (result.ok) opts.afterInvoke?.(method, result);
    return result;
  });
  return () => opts.ipcMain.removeHandler(INVOKE_CHANNEL);
}

export interface EventSource {
  subscribe(listener: (e: ApiEvent) => void): () => void;
}

/** Forwards bus events to the main window (dropped while there is no live window). */
export function forwardEvents(bus: EventSource, getWindow: () => WindowLike | undefined | null): () => void {
  return bus.subscribe((event) => {
    const win = getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(EVENT_CHANNEL, event);
  });
}
