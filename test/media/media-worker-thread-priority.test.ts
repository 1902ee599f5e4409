import { readdirSync, readFileSync } from 'node:fs';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createWorkerAudioSocketTransport, type WorkerAudioSocketTransport } from '../../engine/src/media/media-worker/worker-audiosocket-transport.js';
import { policyFromStat } from '../../engine/src/media/media-worker/thread-priority.js';

/** Threads of this process under SCHED_RR or SCHED_FIFO, read from /proc (not from what the engine says). */
function realtimeThreads(): number[] {
  return readdirSync('/proc/self/task').filter((tid) => {
    try {
      const p = policyFromStat(readFileSync(`/proc/self/task/${tid}/stat`, 'latin1'));
      return p === 1 || p === 2;
    } catch {
      return false; // the thread ended meanwhile
    }
  }).map(Number);
}

const linux = process.platform === 'linux';
/** CAP_SYS_NICE (bit 23) in this process's effective set: what raising a thread's priority takes. Without it only the fallback is checked. */
const CAP_SYS_NICE = 23n;
function canRaisePriority(): boolean {
  if (!linux) return false;
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1];
  return hex !== undefined && ((BigInt(`0x${hex}`) >> CAP_SYS_NICE) & 1n) === 1n;
}
const privileged = canRaisePriority();

function start(lines: string[], realtime: boolean): WorkerAudioSocketTransport {
  const log = createLogger({ level: 'info', destination: { write: () => true } as unknown as NodeJS.WritableStream, tap: (l) => lines.push(l) });
  return createWorkerAudioSocketTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', port: 0, format: 'slin', underrun: 'silence', prebufferMs: 40, log, workers: 2, nice: -5, realtime });
}

describe('media worker thread priority', () => {
  it('reads the policy field of /proc stat lines, whatever the thread name holds', () => {
    const fields = (policy: number) => Array.from({ length: 50 }, (_, i) => (i === 38 ? String(policy) : '0')).join(' ');
    expect(policyFromStat(`1234 (node) ${fields(2)}`)).toBe(2);
    expect(policyFromStat(`1234 (a (b) c) ${fields(0)}`)).toBe(0);
    expect(policyFromStat(`77 (Media Worker) ${fields(1)}`)).toBe(1);
  });

  it.runIf(privileged)('realtime: each worker thread, and only it, runs SCHED_RR; none is left after stop()', async () => {
    const before = realtimeThreads();
    const lines: string[] = [];
    const t = start(lines, true);
    await t.start();
    const stats = await t.workerStats();
    expect(stats.map((s) => s.priority)).toEqual(['realtime', 'realtime']);
    expect(realtimeThreads().filter((tid) => !before.includes(tid))).toHaveLength(2);
    expect(lines.join('')).toContain('"realtime"');
    expect(t.health().warning).toBeUndefined();
    await t.stop();
    // The threads end just after the workers said they stopped.
    await vi.waitFor(() => expect(realtimeThreads()).toEqual(before), { timeout: 5000, interval: 20 });
  });

  it.runIf(linux)('without chrt the workers run at the nice they got, say why, and still listen', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    const lines: string[] = [];
    const t = start(lines, true);
    try {
      await t.start();
    } finally {
      process.env.PATH = path;
    }
    const stats = await t.workerStats();
    expect(stats.map((s) => s.priority)).toEqual(privileged ? ['nice -5', 'nice -5'] : ['nice 0', 'nice 0']);
    const why = lines.filter((l) => l.includes('below the priority asked for'));
    expect(why).toHaveLength(2);
    expect(why[0]).toContain('chrt: ENOENT');
    expect(t.ports).toHaveLength(2);
    // Health says so too (the doctor's checklist shows it as a warning with the fix).
    const health = t.health();
    expect(health.listening).toBe(true);
    expect(health.warning).toMatch(/asked for realtime but run at nice (-5|0) \(chrt: ENOENT\)/);
    await t.stop();
  });
});
