/**
 * The most recent `capacity` samples of a per-frame figure (the bench's
 * engine-added delays) in one fixed buffer: no allocation, growth or copy per
 * sample, so sampling every frame of every call adds no garbage.
 */
export class SampleRing {
  private readonly buf: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(v: number): void {
    this.buf[this.next] = v;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** The samples kept, oldest first. */
  values(): number[] {
    const start = this.count < this.capacity ? 0 : this.next;
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.buf[(start + i) % this.capacity]!;
    return out;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }
}
