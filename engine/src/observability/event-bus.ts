import type { ApiEvent } from '../api/events.js';

/** The engine's outward event stream. Listeners must be cheap; transports fan out to clients. */
export class EventBus {
  private listeners = new Set<(e: ApiEvent) => void>();

  publish(event: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a failing client must never break the engine
      }
    }
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
