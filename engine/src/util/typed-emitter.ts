/** A tiny typed event emitter (no Node dependency, usable anywhere in the engine). */
export type Listener<T> = (payload: T) => void;

/**
 * Listener lists are copied on subscribe/unsubscribe, never on emit: an emit walks the list as it was when it
 * began (a listener added or removed meanwhile takes effect from the next emit), without allocating — media
 * legs emit once per 20 ms frame.
 */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private listeners = new Map<keyof Events, readonly Listener<never>[]>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.listeners.get(event) ?? [];
    if (!list.includes(listener as Listener<never>)) this.listeners.set(event, [...list, listener as Listener<never>]);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (p) => {
      off();
      listener(p);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.listeners.get(event);
    if (!list?.includes(listener as Listener<never>)) return;
    const rest = list.filter((l) => l !== listener);
    if (rest.length) this.listeners.set(event, rest);
    else this.listeners.delete(event);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (let i = 0; i < list.length; i++) (list[i] as Listener<Events[K]>)(payload);
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
