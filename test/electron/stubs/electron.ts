/**
 * A hand-written stand-in for the `electron` module (its binary cannot run in
 * CI). Tests load it with `vi.mock('electron', () => import('./stubs/electron.js'))`.
 * It records what the code under test did (exposed globals, IPC handlers,
 * created windows, sent events) and behaves like Electron where that matters:
 * safeStorage's ciphertext is not the plain text, frames have URLs and parents,
 * windows have normal bounds and maximize state.
 */
import { EventEmitter } from 'node:events';

type Listener = (...args: never[]) => unknown;

class Emitter {
  private ee = new EventEmitter();
  on(event: string, listener: Listener): this {
    this.ee.on(event, listener as (...a: unknown[]) => void);
    return this;
  }
  once(event: string, listener: Listener): this {
    this.ee.once(event, listener as (...a: unknown[]) => void);
    return this;
  }
  removeListener(event: string, listener: Listener): this {
    this.ee.removeListener(event, listener as (...a: unknown[]) => void);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.ee.emit(event, ...args);
  }
  listenerCount(event: string): number {
    return this.ee.listenerCount(event);
  }
}

/* ---------------- renderer side ---------------- */

export const exposed: Record<string, unknown> = {};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    if (key in exposed) throw new Error(`exposeInMainWorld: "${key}" already exposed`);
    exposed[key] = api;
  },
};

class IpcRendererStub extends Emitter {
  readonly invocations: { channel: string; args: unknown[] }[] = [];
  reply: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, result: null });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return Promise.resolve(this.reply(channel, ...args));
  }
}
export const ipcRenderer = new IpcRendererStub();

/* ---------------- main side ---------------- */

export class WebFrameMain {
  constructor(
    public url: string,
    public parent: WebFrameMain | null = null,
  ) {}
}

export class WebContents extends Emitter {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  mainFrame: WebFrameMain;
  windowOpenHandler?: (details: { url: string }) => { action: 'deny' | 'allow' };
  destroyed = false;
  reloads = 0;
  constructor(url = 'app://local/index.html') {
    super();
    this.mainFrame = new WebFrameMain(url);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: 'deny' | 'allow' }): void {
    this.windowOpenHandler = h;
  }
  reload(): void {
    this.reloads++;
  }
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class BrowserWindow extends Emitter {
  static created: BrowserWindow[] = [];
  readonly webContents = new WebContents();
  bounds: Bounds;
  maximized = false;
  minimized = false;
  visible = false;
  destroyed = false;
  focused = 0;
  loaded: string[] = [];
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    this.bounds = {
      x: (options.x as number) ?? 100,
      y: (options.y as number) ?? 100,
      width: (options.width as number) ?? 800,
      height: (options.height as number) ?? 600,
    };
    BrowserWindow.created.push(this);
  }
  getNormalBounds(): Bounds {
    return { ...this.bounds };
  }
  setBounds(b: Bounds): void {
    this.bounds = { ...b };
    this.emit('resize');
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isFullScreen(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  close(): void {
    this.emit('close', { preventDefault() {} });
  }
}

interface FrameLikeStub {
  url: string;
  parent?: FrameLikeStub | null;
}
export interface StubInvokeEvent {
  sender: unknown;
  senderFrame: FrameLikeStub | null;
}
type InvokeHandler = (event: StubInvokeEvent, ...args: unknown[]) => unknown;
class IpcMainStub extends Emitter {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, h: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, h);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}
export const ipcMain = new IpcMainStub();

class AppStub extends Emitter {
  lockAvailable = true;
  quitCalls = 0;
  exitCodes: number[] = [];
  isPackaged = false;
  loginItem = { openAtLogin: false };
  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }
  quit(): void {
    this.quitCalls++;
  }
  exit(code = 0): void {
    this.exitCodes.push(code);
  }
  userDataDir = '/tmp/aava-electron-stub';
  aboutOptions: unknown;
  getPath(_name: string): string {
    return this.userDataDir;
  }
  setAboutPanelOptions(o: unknown): void {
    this.aboutOptions = o;
  }
  showAboutPanel(): void {}
  setAppUserModelId(_id: string): void {}
  getVersion(): string {
    return '0.1.0';
  }
  getName(): string {
    return 'AAVA Desktop';
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItem };
  }
  setLoginItemSettings(s: { openAtLogin: boolean }): void {
    this.loginItem = { openAtLogin: s.openAtLogin };
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
}
export const app = new AppStub();

/** Reversible, but the ciphertext never contains the plain text (XOR + a version tag, like Chromium's "v10"). */
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable(): boolean {
    return this.available;
  },
  encryptString(plain: string): Buffer {
    const b = Buffer.from(plain, 'utf8');
    return Buffer.concat([Buffer.from('v10'), Buffer.from(b.map((x) => x ^ 0xa5))]);
  },
  decryptString(enc: Buffer): string {
    if (enc.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(enc.subarray(3).map((x) => x ^ 0xa5)).toString('utf8');
  },
  getSelectedStorageBackend(): string {
    return this.backend;
  },
};

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays() {
    return this.displays;
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  },
  openPath(p: string): Promise<string> {
    this.opened.push(p);
    return Promise.resolve('');
  },
};

export const Menu = {
  applied: undefined as unknown,
  buildFromTemplate(template: unknown[]) {
    return { template };
  },
  setApplicationMenu(m: unknown): void {
    this.applied = m;
  },
};

type ProtocolHandler = (req: Request) => Response | Promise<Response>;
class ProtocolStub {
  readonly handlers = new Map<string, ProtocolHandler>();
  privileged: { scheme: string; privileges: Record<string, boolean> }[] = [];
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, h: ProtocolHandler): void {
    this.handlers.set(scheme, h);
  }
}
export const protocol = new ProtocolStub();

type PermissionRequestHandler = (wc: unknown, permission: string, cb: (granted: boolean) => void, details: Record<string, unknown>) => void;
type HeadersHandler = (details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
export const session = {
  defaultSession: {
    protocol,
    permissionRequest: undefined as PermissionRequestHandler | undefined,
    permissionCheck: undefined as ((wc: unknown, permission: string, origin: string) => boolean) | undefined,
    headers: undefined as HeadersHandler | undefined,
    setPermissionRequestHandler(h: PermissionRequestHandler) {
      this.permissionRequest = h;
    },
    setPermissionCheckHandler(h: (wc: unknown, permission: string, origin: string) => boolean) {
      this.permissionCheck = h;
    },
    webRequest: {
      onHeadersReceived(h: HeadersHandler) {
        session.defaultSession.headers = h;
      },
    },
  },
};

export class Tray extends Emitter {
  static created: Tray[] = [];
  tooltip = '';
  title = '';
  menu: unknown;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.created.push(this);
  }
  setToolTip(t: string): void {
    this.tooltip = t;
  }
  setTitle(t: string): void {
    this.title = t;
  }
  setContextMenu(m: unknown): void {
    this.menu = m;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class Notification extends Emitter {
  static shown: { title: string; body: string }[] = [];
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    Notification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

export const nativeImage = {
  createFromPath(path: string) {
    return { path };
  },
};

export const dialog = {
  boxes: [] as unknown[],
  errors: [] as [string, string][],
  response: 0,
  showMessageBox(o: unknown): Promise<{ response: number }> {
    this.boxes.push(o);
    return Promise.resolve({ response: this.response });
  },
  showErrorBox(title: string, content: string): void {
    this.errors.push([title, content]);
  },
};

export function resetStub(): void {
  for (const k of Object.keys(exposed)) delete exposed[k];
  ipcRenderer.invocations.length = 0;
  ipcMain.handlers.clear();
  BrowserWindow.created.length = 0;
  app.lockAvailable = true;
  app.quitCalls = 0;
  app.exitCodes.length = 0;
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  shell.opened.length = 0;
  dialog.boxes.length = 0;
  dialog.response = 0;
  Tray.created.length = 0;
  Notification.shown.length = 0;
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
};
