/**
 * The calls soak: N calls in waves, each ended one of the ways a call ends in
 * the field — the caller hangs up, the provider ends it (hangup tool), the
 * provider's socket dies, a transfer, or the ARI link drops / goes silent
 * while the caller hangs up — at random moments (seeded). One in four calls
 * uses ExternalMedia RTP, the rest AudioSocket. Afterwards it counts what is
 * left: bridges, channels, media legs, ports, sockets, timers, live calls and
 * open call rows, and RSS after the first and the last 100 calls. Used by a
 * shortened test and, with 1,000 calls, by `npm run bench -- soak`.
 */
import { createHook } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startHarness, baseConfig, until, silence, type Harness } from '../harness.js';
import { FakeDeepgramAgent } from '../../fakes/deepgram/agent-server.js';
import type { CallerHandle } from '../../fakes/asterisk/index.js';
import type { MediaTransport } from '../../../engine/src/media/transport.js';

type TransportStats = ReturnType<MediaTransport['stats']>;

export type SoakEnding = 'caller_hangup' | 'provider_end' | 'provider_error' | 'transfer' | 'ari_drop' | 'ari_stall';
const REGULAR: SoakEnding[] = ['caller_hangup', 'provider_end', 'provider_error', 'transfer'];

export interface SoakOptions {
  calls: number;
  /** Calls up at once (one wave). */
  wave?: number;
  seed?: number;
  progress?(done: number, total: number): void;
}

export interface SoakReport {
  calls: number;
  durationMs: number;
  endings: Partial<Record<SoakEnding, number>>;
  outcomes: Record<string, number>;
  /** RSS (MiB, after a full GC) once the first 100 calls were over, and once all were. */
  rssFirst100MiB: number;
  rssLast100MiB: number;
  left: {
    bridges: number;
    channels: number;
    mediaLegs: number;
    liveCalls: number;
    activeRows: number;
    rows: number;
    audiosocket: TransportStats;
    rtp: TransportStats;
    providerSockets: number;
    /** Timers created during the run and still alive at its end (the ARI keepalive of the current link is one). */
    timersCreatedAndAlive: number;
    sockets: { before: number; after: number };
  };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 0x100000000;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (what: string) => process.getActiveResourcesInfo().filter((r) => r === what).length;

/**
 * Live timers, unref'd ones included (getActiveResourcesInfo lists only those that keep the process
 * up): how many created since `mark()` are still alive. A socket's own idle timeout belongs to the
 * socket (counted with the sockets), so it is not counted here.
 */
function trackTimers(): { mark(): void; aliveSinceMark(): number; stop(): void } {
  const live = new Map<number, number>();
  let seq = 0;
  let marked = Infinity;
  const hook = createHook({
    init: (id, type, _trigger, resource) => {
      // A socket's idle timeout calls Socket#_onTimeout bound to it (an unnamed function: `bound `).
      if (type !== 'Timeout' || (resource as { _onTimeout?: { name?: string } })._onTimeout?.name === 'bound ') return;
      live.set(id, seq++);
    },
    destroy: (id) => void live.delete(id),
  }).enable();
  return {
    mark: () => void (marked = seq),
    aliveSinceMark: () => [...live.values()].filter((s) => s >= marked).length,
    stop: () => void hook.disable(),
  };
}

function rssMiB(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
}

interface Planned {
  i: number;
  ending: SoakEnding;
  caller: CallerHandle;
  delayMs: number;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const rand = rng(opts.seed ?? 20261204);
  const waveSize = opts.wave ?? 20;
  const timers = trackTimers();
  const agent = new FakeDeepgramAgent({ apiKey: 'soak' });
  const agentUrl = await agent.listen();
  const h = await startHarness({
    fake: { legStasisOrder: 'random' },
    config: (port) => ({
      ...baseConfig(port, { on_provider_failure: { action: 'continue', context: 'from-internal', extension: '500', priority: 1 } }),
      providers: {
        ...(baseConfig(port).providers as Record<string, unknown>),
        dg: { type: 'deepgram', api_key: 'soak', url: agentUrl },
      },
    }),
    service: { reconcileGraceMs: 100, ariLiveness: { intervalMs: 100, timeoutMs: 400 } },
  });
  const { fake, service } = h;
  const started = Date.now();
  const endings: Partial<Record<SoakEnding, number>> = {};
  let rssFirst100 = 0;
  try {
    await sleep(200);
    timers.mark();
    const socketsBefore = count('TCPSocketWrap');
    let done = 0;
    for (let wave = 0; done < opts.calls; wave++) {
      const n = Math.min(waveSize, opts.calls - done);
      const outage = wave % 6 === 2 ? 'ari_drop' : wave % 6 === 5 ? 'ari_stall' : undefined;
      const planned: Planned[] = Array.from({ length: n }, (_, k) => {
        const i = done + k;
        const ending = outage && rand() < 1 / 3 ? outage : REGULAR[Math.floor(rand() * REGULAR.length)]!;
        endings[ending] = (endings[ending] ?? 0) + 1;
        const vars: Record<string, string> = {};
        if (rand() < 0.25) vars.AI_TRANSPORT = 'externalmedia';
        if (ending === 'provider_error') Object.assign(vars, { AI_PROVIDER: 'dg', AI_GREETING: `soak-${i}` });
        const caller = fake.injectCall({ callerNumber: String(100000 + i), audio: silence(100), vars });
        return { i, ending, caller, delayMs: Math.floor(rand() * 300) };
      });
      await runWave(h, agent, planned, outage);
      done += n;
      opts.progress?.(done, opts.calls);
      if (done >= 100 && rssFirst100 === 0) rssFirst100 = rssMiB();
    }
    // Let the last timers (write-behind flush, leg-close grace) run out.
    await sleep(600);
    fake.closeStalledEventSockets();
    await until(() => agent.openSockets === 0 && count('TCPSocketWrap') <= socketsBefore, 'sockets closed', 10_000).catch(() => undefined);
    await service.handlers!['calls.list']!({ limit: 1 }); // flushes the store
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); // destroy hooks of fired timers
    const rowCount = (sql: string) => (h.ctx.db.prepare(sql).get() as { n: number }).n;
    const outcomes = Object.fromEntries(
      (h.ctx.db.prepare('SELECT outcome, COUNT(*) AS n FROM calls GROUP BY outcome').all() as { outcome: string | null; n: number }[]).map((r) => [r.outcome ?? 'none', r.n]),
    );
    const ins = fake.inspect();
    const stats = (k: 'audiosocket' | 'externalmedia'): TransportStats => service.transports().get(k)?.stats() ?? { legs: 0, pending: 0, sockets: 0, ports: 0 };
    return {
      calls: opts.calls,
      durationMs: Date.now() - started,
      endings,
      outcomes,
      rssFirst100MiB: rssFirst100,
      rssLast100MiB: rssMiB(),
      left: {
        bridges: ins.bridges,
        channels: ins.channels,
        mediaLegs: ins.mediaLegs,
        liveCalls: service.controller.active.length,
        activeRows: rowCount('SELECT COUNT(*) AS n FROM calls WHERE ended_at IS NULL'),
        rows: rowCount('SELECT COUNT(*) AS n FROM calls'),
        audiosocket: stats('audiosocket'),
        rtp: stats('externalmedia'),
        providerSockets: agent.openSockets,
        timersCreatedAndAlive: timers.aliveSinceMark(),
        sockets: { before: socketsBefore, after: count('TCPSocketWrap') },
      },
    };
  } finally {
    timers.stop();
    await h.close();
    await agent.close();
  }
}

async function runWave(h: Harness, agent: FakeDeepgramAgent, planned: Planned[], outage: 'ari_drop' | 'ari_stall' | undefined): Promise<void> {
  const { fake, service } = h;
  const session = (p: Planned) => service.controller.active.find((s) => s.caller.id === p.caller.id);
  await until(() => planned.every((p) => session(p)?.conversation), `wave of ${planned.length} calls up`, 30_000);
  if (outage) {
    const before = service.reconciler.last?.at;
    if (outage === 'ari_drop') {
      fake.refuseEventSockets(true);
      fake.dropEventSockets();
      await until(() => !service.ari.connected, 'the drop seen');
    } else fake.stallEventSockets();
    for (const p of planned) if (p.ending === outage) p.caller.hangup(); // nobody hears these
    if (outage === 'ari_drop') fake.refuseEventSockets(false);
    await until(() => service.ari.connected && service.reconciler.last?.at !== before && service.reconciler.last?.reconnect, 'reconnected and reconciled', 15_000);
    fake.closeStalledEventSockets();
  }
  await Promise.all(planned.filter((p) => p.ending !== outage).map((p) => endOne(h, agent, p)));
  await until(() => planned.every((p) => !session(p)), 'wave ended', 30_000);
  // Transferred or continued callers now run dialplan on the PBX: they hang up there.
  for (const p of planned) if (!p.caller.gone) p.caller.hangup();
  // Keep the fakes' and the harness's own records from growing with the run (RSS is measured).
  fake.requests.length = 0;
  agent.connections.length = 0;
  h.events.length = 0;
}

async function endOne(h: Harness, agent: FakeDeepgramAgent, p: Planned): Promise<void> {
  await sleep(p.delayMs);
  switch (p.ending) {
    case 'caller_hangup':
      p.caller.hangup();
      return;
    case 'provider_end':
      await p.caller.dtmf('#'); // the echo provider's hangup tool
      return;
    case 'transfer':
      await p.caller.dtmf('0'); // the echo provider's transfer tool
      return;
    case 'provider_error': {
      const conn = agent.connections.find((c) => (c.settings?.agent as { greeting?: string } | undefined)?.greeting === `soak-${p.i}`);
      conn?.drop();
      return;
    }
    default:
      return;
  }
}
