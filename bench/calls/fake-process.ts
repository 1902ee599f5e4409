/**
 * The fake Asterisk (fake-host.ts) as a child process of the calls bench, so
 * the engine's CPU is measured apart from the PBX side: start it, ask it
 * things over IPC, and read its own CPU and event-loop lateness.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface FakeHost {
  child: ChildProcess;
  port: number;
  ask(m: object, reply: string): Promise<Record<string, unknown>>;
}

export function startFake(): Promise<FakeHost> {
  // CALLS_BENCH_FAKE_PROF=<dir>: a CPU profile of the whole fake PBX process too.
  const prof = process.env.CALLS_BENCH_FAKE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.CALLS_BENCH_FAKE_PROF] : [];
  const child = fork(join(import.meta.dirname, 'fake-host.ts'), [], { execArgv: ['--import', 'tsx', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (m: object, reply: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const on = (msg: Record<string, unknown>) => {
        if (msg.type !== reply) return;
        child.off('message', on);
        resolve(msg);
      };
      child.on('message', on);
      child.send(m);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { type: string; port: number }) => resolve({ child, port: m.port, ask }));
  });
}

/**
 * The fake's CPU % and event-loop delay p99 (ms) from now to the call of the returned function, and its CPU µs per
 * media frame it handled (received + sent; comparable across runs where the engine, starved by the load, sends fewer).
 * Calls must stay up in between (frames sent are summed over the live legs).
 */
export async function fakeCpuMeter(fake: FakeHost): Promise<() => Promise<{ cpuPercent: number; loopP99Ms: number; usPerFrame: number }>> {
  const read = async () => (await fake.ask({ type: 'cpu' }, 'cpu')) as unknown as { user: number; system: number; loopP99Ms: number; frames: number };
  const a = await read();
  const t0 = performance.now();
  return async () => {
    const b = await read();
    const cpuUs = b.user + b.system - a.user - a.system;
    return { cpuPercent: (cpuUs / ((performance.now() - t0) * 1000)) * 100, loopP99Ms: b.loopP99Ms, usPerFrame: cpuUs / Math.max(1, b.frames - a.frames) };
  };
}
