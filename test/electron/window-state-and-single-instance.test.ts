import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, resetStub } from './stubs/electron.js';
import {
  parseWindowState,
  fitToDisplays,
  loadWindowState,
  trackWindowState,
  DEFAULT_WINDOW_STATE,
} from '../../electron/window-state.js';
import { acquireSingleInstance, focusWindow } from '../../electron/single-instance.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };
const external = { x: 1440, y: 0, width: 2560, height: 1440 };

describe('window state', () => {
  let dir: string;
  beforeEach(() => {
    resetStub();
    dir = mkdtempSync(join(tmpdir(), 'aava-winstate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['garbage', 'nope', DEFAULT_WINDOW_STATE],
    ['too small', { width: 100, height: 50, maximized: true }, { ...DEFAULT_WINDOW_STATE, maximized: true }],
    ['NaN position dropped', { width: 1000, height: 700, x: Number.NaN, y: 5 }, { width: 1000, height: 700, maximized: false }],
    ['full', { width: 1000.4, height: 700, x: 10, y: -5, maximized: false }, { width: 1000, height: 700, x: 10, y: -5, maximized: false }],
  ])('parses %s', (_n, raw, want) => {
    expect(parseWindowState(raw)).toEqual(want);
  });

  it('keeps a position that is on a display, recentres one whose display is gone, caps the size', () => {
    const onExternal = { x: 2000, y: 100, width: 1800, height: 1200, maximized: false };
    expect(fitToDisplays(onExternal, [laptop, external])).toEqual(onExternal);
    // external monitor unplugged: centred on the laptop, shrunk to fit
    expect(fitToDisplays(onExternal, [laptop])).toEqual({ width: 1440, height: 900, maximized: false });
    // title bar just off the top edge: not reachable
    expect(fitToDisplays({ x: 100, y: -200, width: 1000, height: 700, maximized: false }, [laptop]).x).toBeUndefined();
    expect(fitToDisplays({ x: 100, y: 100, width: 1000, height: 700, maximized: true }, [])).toMatchObject({ x: 100, maximized: true });
  });

  it('saves bounds and maximized on close, restores them next launch', () => {
    const file = join(dir, 'window-state.json');
    const win = new BrowserWindow({ x: 40, y: 60, width: 1100, height: 750 });
    trackWindowState(win, file, 10_000);
    win.maximize();
    win.close();
    expect(loadWindowState(file)).toEqual({ x: 40, y: 60, width: 1100, height: 750, maximized: true });
    // the flush function also works on demand (used on quit) and skips a minimised window
    const win2 = new BrowserWindow({ x: 1, y: 2, width: 900, height: 600 });
    const flush = trackWindowState(win2, file, 10_000);
    win2.minimized = true;
    flush();
    expect(JSON.parse(readFileSync(file, 'utf8')).maximized).toBe(true);
    win2.minimized = false;
    flush();
    expect(loadWindowState(file)).toEqual({ x: 1, y: 2, width: 900, height: 600, maximized: false });
    writeFileSync(file, '{"width":');
    expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('single instance', () => {
  beforeEach(() => resetStub());

  it('a second launch quits itself', () => {
    app.lockAvailable = false;
    const focus = vi.fn();
    expect(acquireSingleInstance(app, focus)).toBe(false);
    expect(app.quitCalls).toBe(1);
    app.emit('second-instance');
    expect(focus).not.toHaveBeenCalled();
  });

  it('the first instance focuses its window when launched again, from minimised or tray-hidden', () => {
    const win = new BrowserWindow();
    const handler = vi.fn(() => focusWindow(win));
    expect(acquireSingleInstance(app, handler)).toBe(true);
    win.minimized = true;
    win.visible = false;
    app.emit('second-instance', {}, ['aava', '--config', 'x'], '/');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(win.minimized).toBe(false);
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(1);
    win.destroyed = true;
    expect(focusWindow(win)).toBe(false);
    expect(focusWindow(undefined)).toBe(false);
  });
});
