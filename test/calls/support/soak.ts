/**
 * The calls soak: N calls in waves, each ended one of the ways a call ends in
 * the field — the caller hangs up, the provider ends it (hangup tool), the
 * provider's socket dies (on_provider_failure continue), a transfer or the
 * voicemail tool (both leave through calls/dialplan-exits.ts), or the ARI
 * link drops / goes silent while the caller hangs up — at random moments
 * (seeded). In an outage wave the transferred and voicemail callers leave
 * before the outage, so the reconcile meets them running dialplan on the PBX
 * (it must leave them alone). Every call has a pre-call lookup and a post-call
 * webhook (fake CRM): their rows go through the write-behind store. One in
 * four calls uses ExternalMedia RTP, the rest AudioSocket. Afterwards it
 * counts what is left: bridges, channels, media legs, ports, sockets, timers,
 * live calls and open call rows, and RSS after the first and the last 100
 * calls. Used by a shortened test and, with 1,000 calls, by
 * `npm run bench -- soak`.
 */
import { createHook } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startHarness, baseConfig, until, silence, type Harness } from '../../support/calls-harness.js';
import { FakeDeepgramAgent } from '../../fakes/deepgram/agent-server.js';
import { FakeCrm } from '../../fakes/crm/crm-server.js';
import type { CallerHandle } from '../../fakes/asterisk/index.js';
import type { MediaTransport } from '../../../engine/src/media/transport.js';
import { seededRandom as rng } from '../../support/seeded.js';

type TransportStats = ReturnType<MediaTransport['stats']>;

export type SoakEnding = 'caller_hangup' | 'provider_end' | 'provider_error' | 'transfer' | 'voicemail' | 'ari_drop' | 'ari_stall';
const REGULAR: SoakEnding[] = ['caller_hangup', 'provider_end', 'provider_error', 'transfer', 'voicemail'];
/** Where each dialplan exit sends the caller (the config below). */
const EXITS: Partial<Record<SoakEnding, { context: string; extension: string; priority: number }>> = {
  transfer: { context: 'from-internal', extension: '400', priority: 1 },
  voicemail: { context: 'aava-voicemail', extension: 's', priority: 1 },
  provider_error: { context: 'from-internal', extension: '500', priority: 1 },
};

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
  /** Callers that left through a dialplan exit but are not where it sends them (or were hung up meanwhile). */
  exitsAstray: number;
  /** Callers the reconciles judged orphaned (none is: every caller belongs to a live call or left by an exit). */
  reconcileReclaimedCallers: number;
  /** Per-call integration rows written through the write-behind store, and post-call documents delivered. */
  integrations: { preCallRows: number; deliveries: number; delivered: number };
  left: {
    bridges: number;
    channels: number;
    mediaLegs: number;
    liveCalls: number;
    activeRows: number;
    rows: number;
    audiosocket: TransportStats;
    websocket: TransportStats;
    rtp: TransportStats;
    providerSockets: number;
    /** Timers created during the run and still alive at its end (the ARI keepalive of the current link is one). */
    timersCreatedAndAlive: number;
    sockets: { before: number; after: number };
  };
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
  const crm = await new FakeCrm().on('POST', '/lookup', { json: { customer: 'soak' } }).on('POST', '/calls', { status: 204 }).listen();
  const h = await startHarness({
    fake: { legStasisOrder: 'random' },
    config: (port) => {
      // A short fallback line: it plays before the failover continues the caller (and keeps the waves short).
      const base = baseConfig(port, { on_provider_failure: { failover: 'continue', message: 'Sorry.', context: 'from-internal', extension: '500', priority: 1 } });
      return {
        ...base,
        providers: {
          echo: { type: 'echo', tone_hz: 440, tone_ms: 300, end_silence_ms: 300, dtmf_tools: { '0': { tool: 'transfer', destination: 'sales_queue' }, '#': { tool: 'hangup' }, '*': { tool: 'voicemail' } } },
          dg: { type: 'deepgram', api_key: 'soak', url: agentUrl },
        },
        contexts: { default: { tools: ['transfer', 'hangup', 'voicemail'], voicemail: { mailbox: '2000@default' } } },
        // Timeouts short enough that their timers are over when the leftovers are counted.
        webhooks: { pre_call: { url: crm.url('/lookup'), timeout_ms: 300 }, post_call: { url: crm.url('/calls'), timeout_ms: 1000, retry_initial_ms: 50, retry_max_ms: 200 } },
      };
    },
    service: { reconcileGraceMs: 100, ariLiveness: { intervalMs: 100, timeoutMs: 400 } },
  });
  const { fake, service } = h;
  const started = Date.now();
  const endings: Partial<Record<SoakEnding, number>> = {};
  const tally = { exitsAstray: 0, reclaimedCallers: 0 };
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
        const t = rand();
        if (t < 0.25) vars.AI_TRANSPORT = t < 0.125 ? 'externalmedia' : 'websocket';
        if (ending === 'provider_error') Object.assign(vars, { AI_PROVIDER: 'dg', AI_GREETING: `soak-${i}` });
        const caller = fake.injectCall({ callerNumber: String(100000 + i), audio: silence(100), vars });
        return { i, ending, caller, delayMs: Math.floor(rand() * 300) };
      });
      await runWave(h, agent, planned, outage, tally);
      crm.requests.length = 0;
      done += n;
      opts.progress?.(done, opts.calls);
      if (done >= 100 && rssFirst100 === 0) rssFirst100 = rssMiB();
    }
    await service.handlers!['calls.list']!({ limit: 1 }); // flushes the store (the last post-call documents too)
    await until(() => service.integrations.queue.view().pending === 0, 'post-call webhooks delivered', 10_000).catch(() => undefined);
    await crm.close(); // its keep-alive sockets with them
    // Let the last timers (write-behind flush, leg-close grace, request timeouts) run out.
    await sleep(1200);
    fake.closeStalledEventSockets();
    await until(() => agent.openSockets === 0 && count('TCPSocketWrap') <= socketsBefore, 'sockets closed', 10_000).catch(() => undefined);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); // destroy hooks of fired timers
    const rowCount = (sql: string) => (h.ctx.db.prepare(sql).get() as { n: number }).n;
    const outcomes = Object.fromEntries(
      (h.ctx.db.prepare('SELECT outcome, COUNT(*) AS n FROM calls GROUP BY outcome').all() as { outcome: string | null; n: number }[]).map((r) => [r.outcome ?? 'none', r.n]),
    );
    const ins = fake.inspect();
    const stats = (k: 'audiosocket' | 'externalmedia' | 'websocket'): TransportStats => service.transports().get(k)?.stats() ?? { legs: 0, pending: 0, sockets: 0, ports: 0 };
    return {
      calls: opts.calls,
      durationMs: Date.now() - started,
      endings,
      outcomes,
      rssFirst100MiB: rssFirst100,
      rssLast100MiB: rssMiB(),
      exitsAstray: tally.exitsAstray,
      reconcileReclaimedCallers: tally.reclaimedCallers,
      integrations: {
        preCallRows: rowCount('SELECT COUNT(*) AS n FROM call_precall'),
        deliveries: rowCount('SELECT COUNT(*) AS n FROM webhook_deliveries'),
        delivered: rowCount("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'delivered'"),
      },
      left: {
        bridges: ins.bridges,
        channels: ins.channels,
        mediaLegs: ins.mediaLegs,
        liveCalls: service.controller.active.length,
        activeRows: rowCount('SELECT COUNT(*) AS n FROM calls WHERE ended_at IS NULL'),
        rows: rowCount('SELECT COUNT(*) AS n FROM calls'),
        audiosocket: stats('audiosocket'),
        rtp: stats('externalmedia'),
        websocket: stats('websocket'),
        providerSockets: agent.openSockets,
        timersCreatedAndAlive: timers.aliveSinceMark(),
        sockets: { before: socketsBefore, after: count('TCPSocketWrap') },
      },
    };
  } finally {
    timers.stop();
    await h.close();
    await agent.close();
    await crm.close().catch(() => undefined);
  }
}

async function runWave(h: Harness, agent: FakeDeepgramAgent, planned: Planned[], outage: 'ari_drop' | 'ari_stall' | undefined, tally: { exitsAstray: number; reclaimedCallers: number }): Promise<void> {
  const { fake, service } = h;
  const session = (p: Planned) => service.controller.active.find((s) => s.caller.id === p.caller.id);
  await until(() => planned.every((p) => session(p)?.conversation), `wave of ${planned.length} calls up`, 30_000);
  const exits = planned.filter((p) => p.ending === 'transfer' || p.ending === 'voicemail');
  const rest = planned.filter((p) => p.ending !== outage && !exits.includes(p));
  if (outage) {
    // These callers leave through a dialplan exit first and run dialplan on the PBX while the reconcile looks.
    await Promise.all(exits.map((p) => endOne(h, agent, p)));
    await until(() => exits.every((p) => !session(p)), 'exits taken before the outage', 30_000);
    const before = service.reconciler.last?.at;
    if (outage === 'ari_drop') {
      fake.refuseEventSockets(true);
      fake.dropEventSockets();
      await until(() => !service.ari.connected, 'the drop seen');
    } else fake.stallEventSockets();
    for (const p of planned) if (p.ending === outage) p.caller.hangup(); // nobody hears these
    if (outage === 'ari_drop') fake.refuseEventSockets(false);
    await until(() => service.ari.connected && service.reconciler.last?.at !== before && service.reconciler.last?.reconnect, 'reconnected and reconciled', 15_000);
    tally.reclaimedCallers += service.reconciler.last?.reclaimed.callers ?? 0;
    fake.closeStalledEventSockets();
  }
  await Promise.all((outage ? rest : [...rest, ...exits]).map((p) => endOne(h, agent, p)));
  await until(() => planned.every((p) => !session(p)), 'wave ended', 30_000);
  // Callers sent to the dialplan are where their exit sends them, and still up (the reconcile left them alone).
  for (const p of planned) {
    const to = EXITS[p.ending];
    if (to && (p.caller.gone || JSON.stringify(p.caller.continuedTo) !== JSON.stringify(to))) tally.exitsAstray++;
  }
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
    case 'voicemail':
      await p.caller.dtmf('*'); // the echo provider's voicemail tool
      return;
    case 'provider_error': {
      // A dropped agent socket is reconnected once with the conversation so far (the greeting first): drop both.
      const greeting = `soak-${p.i}`;
      const agentOf = (c: (typeof agent.connections)[number]) => c.settings?.agent as { greeting?: string; context?: { messages?: { content?: string }[] } } | undefined;
      await until(() => h.events.some((e) => e.type === 'call.transcript' && e.line.role === 'agent' && e.line.text === greeting), 'the greeting in the transcript', 10_000);
      agent.connections.find((c) => agentOf(c)?.greeting === greeting)?.drop();
      const resumed = await until(() => agent.connections.find((c) => agentOf(c)?.context?.messages?.[0]?.content === greeting), 'the reconnected session', 10_000);
      resumed.drop();
      return;
    }
    default:
      return;
  }
}
