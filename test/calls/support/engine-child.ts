/**
 * The engine as a real child process (`aava serve`), for crash tests: started
 * over a data dir, reached over HTTP, killed with any signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { until } from '../../fakes/asterisk/index.js';
import type { HealthReport } from '../../../engine/src/api/index.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'engine', 'bin', 'aava.mjs');

export interface EngineChild {
  proc: ChildProcess;
  port: number;
  health(): Promise<HealthReport>;
  api<T>(method: string, args?: unknown): Promise<T>;
  /** Sends the signal and waits for the exit; resolves with the signal or exit code. */
  kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | number | null>;
  /** SIGKILL unless it already exited (for closeAtEnd). */
  close(): Promise<unknown>;
  output(): string;
}

export async function startEngineChild(configPath: string, dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<EngineChild> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--config', configPath], {
    env: { ...process.env, AI_ENGINE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (err = (err + String(d)).slice(-20_000)));
  const exited = new Promise<NodeJS.Signals | number | null>((r) => proc.once('exit', (code, sig) => r(sig ?? code)));
  await until(() => /http:\/\/127\.0\.0\.1:(\d+)\//.test(out) || proc.exitCode !== null, 'the engine child to listen', 30_000);
  const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
  if (!m) throw new Error(`engine child exited (${proc.exitCode}): ${err.slice(-2000)}`);
  const port = Number(m[1]);
  const kill = (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  const base = `http://127.0.0.1:${port}`;
  return {
    proc,
    port,
    health: async () => (await (await fetch(`${base}/health`)).json()) as HealthReport,
    api: async <T>(method: string, args?: unknown) => {
      const r = await fetch(`${base}/api/${method}?args=${encodeURIComponent(JSON.stringify(args ?? {}))}`);
      const body = (await r.json()) as { ok?: boolean; result?: T; error?: unknown } & T;
      return (body.result ?? body) as T;
    },
    kill,
    close: () => kill('SIGKILL'),
    output: () => `${out}\n${err}`,
  };
}
