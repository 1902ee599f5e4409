/** The stubbed desktop surfaces: application menu, tray, notifications, native images and dialogs. */
import { Emitter } from './emitter.js';

export const Menu = {
  applied: undefined as unknown,
  buildFromTemplate(template: unknown[]) {
    return { template };
  },
  setApplicationMenu(m: unknown): void {
    this.applied = m;
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
