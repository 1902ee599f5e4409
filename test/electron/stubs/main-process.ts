/**
 * The stubbed main-process modules: ipcMain (records handlers), app (single-instance lock, quit/exit, paths,
 * login item), safeStorage (ciphertext is not the plain text), screen, shell, protocol and session.
 */
import { Emitter } from './emitter.js';

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
