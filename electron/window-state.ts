/**
 * Window size/position/maximized persisted in the data dir. The maths
 * (sanitising, keeping the window on a connected display) is pure; the
 * tracker wires it to a BrowserWindow-like object.
 */
import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from './atomic-file.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 560;
/** How much of the title bar must be on a display for a saved position to count. */
const MIN_VISIBLE = 64;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined;
}

/** Turns whatever was on disk into a valid state (defaults for anything missing or silly). */
export function parseWindowState(raw: unknown): WindowState {
  if (!raw || typeof raw !== 'object') return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const width = num(r.width);
  const height = num(r.height);
  const state: WindowState = {
    width: width && width >= MIN_WIDTH ? width : DEFAULT_WINDOW_STATE.width,
    height: height && height >= MIN_HEIGHT ? height : DEFAULT_WINDOW_STATE.height,
    maximized: r.maximized === true,
  };
  const x = num(r.x);
  const y = num(r.y);
  if (x !== undefined && y !== undefined) {
    state.x = x;
    state.y = y;
  }
  return state;
}

function overlap(a: Rect, b: Rect): { w: number; h: number } {
  return {
    w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Keeps a restored window usable after displays changed: the size is capped to
 * the largest work area, and a position whose title bar is on no display is
 * dropped (the window is centred instead).
 */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  if (workAreas.length === 0) return { ...state };
  const maxW = Math.max(...workAreas.map((a) => a.width));
  const maxH = Math.max(...workAreas.map((a) => a.height));
  const out: WindowState = {
    width: Math.min(state.width, maxW),
    height: Math.min(state.height, maxH),
    maximized: state.maximized,
  };
  if (state.x === undefined || state.y === undefined) return out;
  const titleBar: Rect = { x: state.x, y: state.y, width: out.width, height: 32 };
  const visible = workAreas.some((a) => {
    const o = overlap(titleBar, a);
    return o.w >= MIN_VISIBLE && o.h >= 16;
  });
  if (visible) {
    out.x = state.x;
    out.y = state.y;
  }
  return out;
}

export function loadWindowState(file: string): WindowState {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

function saveWindowState(file: string, state: WindowState): void {
  writeJsonAtomic(file, state);
}

/** What the tracker needs from a BrowserWindow. */
export interface TrackableWindow {
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rect;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/** Current state of a window: its normal (restored) bounds plus whether it is maximized. */
function captureWindowState(win: TrackableWindow): WindowState {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() || win.isFullScreen() };
}

/** Saves the state on close, and (debounced) while the user moves/resizes. Returns a flush function. */
export function trackWindowState(win: TrackableWindow, file: string, debounceMs = 500): () => void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed() || win.isMinimized()) return;
    try {
      saveWindowState(file, captureWindowState(win));
    } catch {
      // a read-only data dir must not break the window
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
    timer.unref?.();
  };
  for (const ev of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(ev, later);
  win.on('close', save);
  return save;
}
