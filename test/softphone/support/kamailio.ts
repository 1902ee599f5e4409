/**
 * Starts Debian's kamailio in the foreground on a free loopback port with the
 * test config (SIP over WebSocket, digest auth), and stops it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KAMAILIO_BIN = '/usr/sbin/kamailio';
export const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules';
export const KAMAILIO_CFG = join(import.meta.dirname, 'kamailio.cfg');
export const hasKamailio = existsSync(KAMAILIO_BIN) && existsSync(join(KAMAILIO_MODULES, 'websocket.so'));

/** Test users in kamailio.cfg. */
export const SIP_USERS = {
  softphone: { user: '1001', password: 'softphone-1001-pw' },
  callee: { user: '2002', password: 'callee-2002-pw' },
} as const;

export interface RunningKamailio {
  port: number;
  wsUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** `port`: reuse a port (a "PBX restart"); default a fresh free one. */
export async function startKamailio(port?: number): Promise<RunningKamailio> {
  const runDir = mkdtempSync(join(tmpdir(), 'aava-kamailio-'));
  port ??= await freePort();
  let out = '';
  const child = spawn(
    KAMAILIO_BIN,
    ['-f', KAMAILIO_CFG, '-L', KAMAILIO_MODULES, '-l', `tcp:127.0.0.1:${port}`, '-Y', runDir, '-DD', '-E', '-m', '32', '-M', '8'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await canConnect(port)) {
      return {
        port,
        wsUrl: `ws://127.0.0.1:${port}`,
        logs: () => out,
        async stop() {
          child.kill('SIGTERM');
          if (!(await waitExit(child, 3000))) {
            child.kill('SIGKILL');
            await waitExit(child, 2000);
          }
          rmSync(runDir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await waitExit(child, 2000);
  rmSync(runDir, { recursive: true, force: true });
  throw new Error(`kamailio did not listen on 127.0.0.1:${port} (config ${KAMAILIO_CFG}):\n${out.slice(-4000)}`);
}
