/**
 * A media worker thread: an AudioSocket server of its own (its own port), the
 * legs whose connections come to it, and a media clock of its own that paces
 * their agent audio. Everything per frame that touches a socket happens here;
 * the engine's thread gets arrivals and per-burst events as records once per
 * event-loop turn and sends agent audio and commands the same way.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { createServer, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { SLIN16, SLIN8 } from '../audio-format.js';
import { handleConnection } from '../audiosocket/audiosocket-connection.js';
import { AS_SLIN, AS_SLIN16 } from '../audiosocket/framing.js';
import { FrameScheduler } from '../pacer.js';
import { LegShare } from './leg-share.js';
import { applyThreadPriority, describePriority } from './thread-priority.js';
import { readRecords, RecordWriter, type RecordHandler } from './records.js';
import type { FromWorker, MediaWorkerData, ToWorker, WorkerStats } from './protocol.js';
import { WorkerLeg } from './worker-leg.js';

const port = parentPort!;

const data = workerData as MediaWorkerData;
const priority = applyThreadPriority(data.nice, data.realtime);
const wireFormat = data.format === 'slin16' ? SLIN16 : SLIN8;
const frameType = data.format === 'slin16' ? AS_SLIN16 : AS_SLIN;
const log = pino({ level: 'debug', base: { mediaWorker: data.index } }, { write: (line: string) => post({ type: 'log', line }) });

let lateness: number[] = [];
const scheduler = new FrameScheduler({ onLateness: data.sampleLateness ? (ms) => lateness.push(ms) : undefined });
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const byteCounters = new Float64Array(data.byteCounters);
const onBytes = (dir: 'rx' | 'tx', n: number): void => {
  byteCounters[dir === 'rx' ? 0 : 1]! += n;
};

interface Expected {
  leg: number;
  callId: string;
  share: SharedArrayBuffer;
}
const expected = new Map<string, Expected>();
const legs = new Map<number, WorkerLeg>();
const sockets = new Set<Socket>();
const uuidTimers = new Set<NodeJS.Timeout>();

const writer = new RecordWriter();
let flushQueued = false;
/** Records go out once per event-loop turn (after this turn's socket reads), in one transferred buffer. */
function out(): RecordWriter {
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(sendRecords);
  }
  return writer;
}
function sendRecords(): void {
  flushQueued = false;
  if (writer.empty) return;
  const buf = writer.take();
  port.postMessage({ type: 'records', buf } satisfies FromWorker, [buf]);
}
/** A structured message, after the records before it (one port, one order). */
function post(m: FromWorker): void {
  sendRecords();
  port.postMessage(m);
}

function openLeg(uuid: string, sock: Socket): WorkerLeg | undefined {
  const e = expected.get(uuid);
  if (!e) return undefined;
  expected.delete(uuid);
  const share = new LegShare(e.share, wireFormat.sampleRate === 16000 ? 640 : 320);
  const leg = new WorkerLeg({
    leg: e.leg,
    callId: e.callId,
    sock,
    share,
    scheduler,
    wireFormat,
    frameType,
    prebufferMs: data.prebufferMs,
    underrun: data.underrun,
    log,
    out,
    onBytes,
    onClosed: (reason, error) => {
      legs.delete(e.leg);
      post({ type: 'closed', leg: e.leg, reason, error: error?.message });
    },
  });
  legs.set(e.leg, leg);
  post({ type: 'connected', leg: e.leg });
  return leg;
}

const context = { log, wireFormat, uuidTimeoutMs: data.uuidTimeoutMs, onBytes, openLeg, timers: uuidTimers };
const server = createServer({ noDelay: true }, (sock) => {
  sockets.add(sock);
  // Between socket reads too, not only on the timer: a burst of arrivals on hundreds of sockets takes milliseconds.
  sock.on('data', () => scheduler.serviceIfDue());
  handleConnection(sock, context, () => sockets.delete(sock));
});

const commands: RecordHandler = {
  enqueue: (leg, audio) => legs.get(leg)?.enqueue(audio),
  endOfBurst: (leg) => legs.get(leg)?.markEndOfBurst(),
  flush: (leg, gen) => legs.get(leg)?.flush(gen),
  close: (leg) => void legs.get(leg)?.shutdown('local'),
};

function stats(): WorkerStats {
  const s: WorkerStats = {
    legs: legs.size,
    sockets: sockets.size,
    pending: expected.size,
    timers: (scheduler.timerPending ? 1 : 0) + uuidTimers.size,
    wakeups: scheduler.wakeups,
    loopP99Ms: loop.percentile(99) / 1e6,
    lateness,
    hopMs: [],
    priority: describePriority(priority),
  };
  lateness = [];
  loop.reset();
  return s;
}

let profiler: Session | undefined;
const inspect = <T>(method: string, params: object = {}): Promise<T> =>
  new Promise((resolve, reject) => profiler!.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));

/** A CPU profile of this thread (diagnostics: the calls bench's CALLS_BENCH_PROF). */
async function profile(file: string | undefined): Promise<void> {
  if (!file) {
    profiler = new Session();
    profiler.connect();
    await inspect('Profiler.enable');
    await inspect('Profiler.setSamplingInterval', { interval: 500 });
    await inspect('Profiler.start');
    return;
  }
  if (!profiler) throw new Error('no profile was started');
  const { profile: p } = await inspect<{ profile: unknown }>('Profiler.stop');
  profiler.disconnect();
  profiler = undefined;
  await writeFile(file, JSON.stringify(p));
}

async function stop(): Promise<void> {
  server.close();
  await Promise.all([...legs.values()].map((l) => l.shutdown('local')));
  for (const s of sockets) s.destroy();
  scheduler.stop();
  loop.disable();
  post({ type: 'stopped' });
  port.close();
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'records':
      readRecords(m.buf, commands);
      return;
    case 'expect':
      expected.set(m.uuid, { leg: m.leg, callId: m.callId, share: m.share });
      return;
    case 'forget':
      expected.delete(m.uuid);
      return;
    case 'stats':
      post({ type: 'stats', id: m.id, ...stats() });
      return;
    case 'profile':
      profile(m.file).then(
        () => post({ type: 'profiled', id: m.id }),
        (err: Error) => post({ type: 'profiled', id: m.id, error: err.message }),
      );
      return;
    case 'stop':
      void stop();
      return;
  }
});

server.once('error', (err: NodeJS.ErrnoException) => post({ type: 'listen-failed', reason: `cannot listen on ${data.host}:${data.port}: ${err.code ?? err.message}` }));
server.listen(data.port, data.host, () => {
  server.on('error', (err) => log.error({ err: err.message }, 'AudioSocket server error'));
  const addr = server.address();
  post({ type: 'listening', port: addr && typeof addr === 'object' ? addr.port : data.port, nice: priority.nice, realtime: priority.realtime, priorityError: priority.error });
});
