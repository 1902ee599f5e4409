/**
 * UDP ports for RTP legs: one per call from `start–end` (round robin, skipping
 * ports in use here or by another process), or any free port when the range
 * is 0–0 (tests).
 */
import { createSocket, type Socket } from 'node:dgram';

export class RtpPortPool {
  private readonly used = new Set<number>();
  private cursor: number;
  readonly ephemeral: boolean;

  constructor(
    private readonly host: string,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.ephemeral = start === 0 && end === 0;
    if (!this.ephemeral && (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end > 65535 || start > end)) {
      throw new Error(`external_media.port_range: ${start}–${end} is not a valid port range (1–65535, start ≤ end)`);
    }
    this.cursor = start;
  }

  /** Ports in use. */
  get size(): number {
    return this.used.size;
  }

  get full(): boolean {
    return !this.ephemeral && this.used.size >= this.end - this.start + 1;
  }

  /** A free port of the range, bound; throws naming the range when none is left. */
  async bind(activeCalls: number): Promise<{ socket: Socket; port: number }> {
    if (this.ephemeral) {
      const socket = await this.bindPort(0);
      if (socket) {
        const port = socket.address().port;
        this.used.add(port);
        return { socket, port };
      }
    }
    const size = this.end - this.start + 1;
    for (let i = 0; i < size && !this.ephemeral; i++) {
      const p = this.start + ((this.cursor - this.start + i) % size);
      if (this.used.has(p)) continue;
      this.used.add(p);
      const socket = await this.bindPort(p).catch((err: unknown) => {
        this.used.delete(p);
        throw err;
      });
      if (socket) {
        this.cursor = p + 1 > this.end ? this.start : p + 1;
        return { socket, port: p };
      }
      this.used.delete(p);
    }
    throw new Error(`no free RTP port in ${this.start}–${this.end}: ${activeCalls} calls active`);
  }

  release(port: number): void {
    this.used.delete(port);
  }

  private bindPort(port: number): Promise<Socket | undefined> {
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: this.host.includes(':') ? 'udp6' : 'udp4' });
      const onErr = (err: NodeJS.ErrnoException): void => {
        s.close();
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(undefined);
        else reject(new Error(`external_media.rtp_host: cannot bind UDP ${this.host}:${port}: ${err.code ?? err.message}`));
      };
      s.once('error', onErr);
      s.bind(port, this.host, () => {
        s.off('error', onErr);
        resolve(s);
      });
    });
  }
}
