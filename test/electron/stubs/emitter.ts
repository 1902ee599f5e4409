/** The event-emitter base of the stubbed Electron objects (windows, web contents, app, tray). */
import { EventEmitter } from 'node:events';

type Listener = (...args: never[]) => unknown;

export class Emitter {
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
