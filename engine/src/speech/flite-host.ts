/**
 * Flite's WASI program runs in its own process (the "flite host"), never in
 * the engine's.
 *
 * Why: Node 20's node:wasi can crash the whole process with a native
 * SIGSEGV when V8 collects garbage while flite's `_start` runs (a
 * Mark-Compact finalized from a stack check inside the WASM, made likely by
 * the external memory of earlier synthesis instances). The core dumps show
 * `WASI.start()` reading through a `this` the GC had already moved. In the
 * engine's process that kills every call (it killed the test worker about
 * one run in five); in the host it costs one synthesis, which is retried
 * once on a fresh host.
 *
 * The host compiles flite.wasm once, then serves requests over an IPC
 * channel, one WASI instance per synthesis, writing the WAV in its private
 * temp dir. node:wasi never closes a preopened directory, so every synthesis
 * leaks one descriptor: the host is replaced after RECYCLE_AFTER requests.
 * Under Electron the host is the Electron binary run as Node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** Requests one host serves before it is replaced (bounds node:wasi's descriptor leak). */
const RECYCLE_AFTER = 200;

/** The host's program (plain CommonJS: it runs the same under tsx, compiled, and Electron). */
const HOST_SOURCE = `
const { readFileSync, mkdtempSync, rmSync } = require('node:fs');
const { WASI } = require('node:wasi');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const mod = new WebAssembly.Module(readFileSync(process.argv[1]));
const dir = mkdtempSync(join(tmpdir(), 'aava-flite-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
process.on('disconnect', () => process.exit(0));
let seq = 0;
process.on('message', (req) => {
  const name = 'out-' + ++seq + '.wav';
  try {
    const wasi = new WASI({ version: 'preview1', args: ['flite', '-voice', req.voice, '-t', req.text, '-o', '/out/' + name], env: {}, preopens: { '/out': dir }, returnOnExit: true });
    const rc = wasi.start(new WebAssembly.Instance(mod, wasi.getImportObject()));
    if (rc !== 0) throw new Error('flite exited with code ' + rc);
    process.send({ id: req.id, wav: readFileSync(join(dir, name)) });
  } catch (err) {
    process.send({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  } finally {
    rmSync(join(dir, name), { force: true });
  }
});
`;

interface Request {
  id: number;
  voice: string;
  text: string;
  /** Hosts that died with this request in flight. */
  deaths: number;
  resolve(wav: Buffer): void;
  reject(err: Error): void;
}

interface Host {
  wasmPath: string;
  child: ChildProcess;
  pending: Map<number, Request>;
  sent: number;
}

let current: Host | undefined;
let nextId = 0;

/** An idle host does not keep the engine's process alive (process, IPC channel and stderr pipe unref'd). */
function idle(host: Host): void {
  host.child.unref();
  host.child.channel?.unref();
  (host.child.stderr as Socket | null)?.unref();
}

function busy(host: Host): void {
  host.child.ref();
  host.child.channel?.ref();
  (host.child.stderr as Socket | null)?.ref();
}

/** Ends a replaced host once its last request is answered. */
function retireIfDone(host: Host): void {
  if (host !== current && host.pending.size === 0 && host.child.connected) host.child.disconnect();
}

/** The error line of what a dead host printed, if any. */
function reason(stderr: string): string {
  const line = stderr.split('\n').find((l) => /^\w*Error\b/.test(l));
  return line ? `: ${line.trim()}` : '';
}

function startHost(wasmPath: string): Host {
  const child = spawn(process.execPath, ['--no-warnings', '-e', HOST_SOURCE, wasmPath], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const host: Host = { wasmPath, child, pending: new Map(), sent: 0 };
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-1000)));
  child.on('message', (m: { id: number; wav?: Uint8Array; error?: string }) => {
    const req = host.pending.get(m.id);
    if (!req) return;
    host.pending.delete(m.id);
    if (m.wav) req.resolve(Buffer.from(m.wav.buffer, m.wav.byteOffset, m.wav.byteLength));
    else req.reject(new Error(m.error ?? 'flite: no audio'));
    if (host.pending.size === 0) idle(host);
    retireIfDone(host);
  });
  const died = (why: string): void => {
    if (current === host) current = undefined;
    const orphans = [...host.pending.values()];
    host.pending.clear();
    for (const req of orphans) {
      req.deaths++;
      if (req.deaths > 1) req.reject(new Error(`flite: the synthesizer process died twice (${why})${reason(stderr)}`));
      else send(wasmPath, req);
    }
  };
  child.on('error', (err) => died(`cannot start ${process.execPath}: ${err.message}`));
  // 'close', not 'exit': the host's last words on stderr are read by then.
  child.on('close', (code, signal) => died(signal ? `signal ${signal}` : `exit code ${code}`));
  idle(host);
  return host;
}

function hostFor(wasmPath: string): Host {
  if (current && (current.sent >= RECYCLE_AFTER || current.wasmPath !== wasmPath)) {
    const old = current;
    current = undefined;
    retireIfDone(old);
  }
  current ??= startHost(wasmPath);
  return current;
}

function send(wasmPath: string, req: Request): void {
  const host = hostFor(wasmPath);
  host.sent++;
  host.pending.set(req.id, req);
  busy(host);
  host.child.send({ id: req.id, voice: req.voice, text: req.text });
}

/** Runs flite once in the host; resolves with the WAV it wrote. */
export function synthesizeInHost(wasmPath: string, voice: string, text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => send(wasmPath, { id: ++nextId, voice, text, deaths: 0, resolve, reject }));
}

/** Starts the host ahead of the first synthesis (it compiles flite.wasm on start). */
export function startFliteHost(wasmPath: string): void {
  hostFor(wasmPath);
}

/** The host's process id, while one runs (diagnostics and tests). */
export function fliteHostPid(): number | undefined {
  return current?.child.pid;
}
