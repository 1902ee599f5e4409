/**
 * Entries that calls hold leases on and that a config reload can replace
 * (providers, MCP servers): a replaced entry is retired, and closed once its
 * last call releases it, or at once when no call holds it.
 */
export interface Leasable {
  leases: number;
  retired: boolean;
}

export class RetiringLeases<E extends Leasable> {
  private readonly held = new Set<E>();

  constructor(private readonly close: (e: E) => Promise<void>) {}

  /** Takes a lease on the entry; the returned release may be called more than once. */
  take(e: E): () => void {
    e.leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      e.leases--;
      // Closed here only while still held: closeAll may have closed it already.
      if (e.retired && e.leases === 0 && this.held.delete(e)) void this.close(e);
    };
  }

  retire(e: E): void {
    e.retired = true;
    if (e.leases === 0) void this.close(e);
    else this.held.add(e);
  }

  /** Closes the live entries given and every retired one still held by a call. */
  async closeAll(live: Iterable<E>): Promise<void> {
    const all = [...live, ...this.held];
    this.held.clear();
    await Promise.all(all.map((e) => this.close(e)));
  }
}
