import { createSocket } from 'node:dgram';

/** A run of `n` consecutive UDP ports that were free a moment ago (bound once to check, then released). */
export async function freeUdpPorts(n: number): Promise<{ start: number; end: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20000 + Math.floor(Math.random() * 30000);
    const socks = [];
    let ok = true;
    for (let p = start; p < start + n && ok; p++) {
      const s = createSocket('udp4');
      ok = await new Promise<boolean>((r) => {
        s.once('error', () => r(false));
        s.bind(p, '127.0.0.1', () => r(true));
      });
      socks.push(s);
    }
    await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (ok) return { start, end: start + n - 1 };
  }
  throw new Error('no free UDP port run found');
}
