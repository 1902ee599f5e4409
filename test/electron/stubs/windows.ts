/** Stubbed windows: BrowserWindow with normal bounds and maximize state, its WebContents and frames with URLs and parents. */
import { Emitter } from './emitter.js';

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
