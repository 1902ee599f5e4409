/**
 * The calls-test harness: a real call engine (calls service with its ARI
 * link, transports, providers, SQLite store) against the fake Asterisk, all
 * on real sockets in one process; or, for engines started another way (the
 * composed engine, a child process), the fake Asterisk and a config file
 * pointing at it. Tests under calls/, providers/, integrations/ and the
 * soak start here; each keeps only its scenario.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FakeAsterisk, activeSpans, until, type FakeAsteriskOptions } from '../fakes/asterisk/index.js';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { openDatabase } from '../../engine/src/store/database.js';
import { createLogger, silentLogger, type Logger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import type { EngineContext } from '../../engine/src/engine-context.js';
import { createCallServiceWith, type CallService, type CallServiceOptions } from '../../engine/src/calls/call-service.js';
import type { ApiEvent, HealthReport } from '../../engine/src/api/index.js';
import type { CallDetail } from '../../engine/src/api/calls.js';
import { closeAtEnd } from './close-at-end.js';

export { tone, silence, concatPcm, tonePower, strongestTone, activeSpans, until } from '../fakes/asterisk/index.js';

type Config = Record<string, unknown>;

export interface Harness {
  fake: FakeAsterisk;
  /** The running call service (a new one after restart()). */
  service: CallService;
  ctx: EngineContext;
  /** Every API event of every service run, in order. */
  events: ApiEvent[];
  /** Holds ai-agent.yaml and the store (aava.db). */
  dir: string;
  health(): HealthReport;
  /** Stops the call service and starts a new one over the same config, store and PBX (an engine restart); `whileDown` runs in between. */
  restart(whileDown?: () => void | Promise<void>): Promise<CallService>;
  /** Stops everything and removes the dir (once; later calls wait for the first). */
  close(): Promise<void>;
}

export interface HarnessOptions {
  fake?: FakeAsteriskOptions;
  /** The engine config for the fake's ARI port (default baseConfig). */
  config?: (port: number) => Config;
  setupTimeoutMs?: number;
  beforeEngine?: (fake: FakeAsterisk) => void;
  service?: Partial<CallServiceOptions>;
  log?: Logger;
}

/**
 * AAVA_TEST_MEDIA_WORKERS=N runs every AudioSocket leg of baseConfig in N media worker threads
 * (`audiosocket.media_workers`): the whole calls suite in worker mode, for a run by hand.
 */
const MEDIA_WORKERS = Number(process.env.AAVA_TEST_MEDIA_WORKERS ?? 0);

export const RTP_BASE = 30000 + Math.floor(Math.random() * 20000);
let rtpOffset = 0;

/** Echo provider (440 Hz greeting), AudioSocket, contexts default and sales, a transfer destination; `over` replaces top-level keys. */
export function baseConfig(port: number, over: Config = {}): Config {
  const rtpStart = RTP_BASE + (rtpOffset += 60);
  return {
    default_provider: 'echo',
    asterisk: { host: '127.0.0.1', port, username: 'aiagent', password: 'aiagentpass', app_name: 'asterisk-ai-voice-agent' },
    audio_transport: 'audiosocket',
    audiosocket: { host: '127.0.0.1', advertise_host: '127.0.0.1', port: 0, format: 'slin', ...(MEDIA_WORKERS > 0 ? { media_workers: MEDIA_WORKERS } : {}) },
    external_media: { rtp_host: '127.0.0.1', advertise_host: '127.0.0.1', port_range: `${rtpStart}-${rtpStart + 49}` },
    providers: {
      echo: { type: 'echo', tone_hz: 440, tone_ms: 300, end_silence_ms: 300, dtmf_tools: { '0': { tool: 'transfer', destination: 'sales_queue' }, '#': { tool: 'hangup' } } },
    },
    contexts: {
      default: { tools: ['transfer', 'hangup'] },
      sales: { greeting: 'Sales here', tools: ['transfer'] },
    },
    tools: { transfer: { destinations: { sales_queue: { type: 'queue', target: '400', context: 'from-internal', priority: 1 } } } },
    ...over,
  };
}

/** baseConfig with `providers.<name>` added (echo stays) and made the default. */
export function providerConfig(port: number, name: string, provider: Config, over: Config = {}): Config {
  const base = baseConfig(port, { default_provider: name, ...over });
  return { ...base, providers: { ...(base.providers as Config), [name]: provider } };
}

/** baseConfig with `pipelines.<name>` as the default. */
export function pipelineConfig(port: number, name: string, pipeline: Config, over: Config = {}): Config {
  return { ...baseConfig(port, { default_provider: name, ...over }), pipelines: { [name]: pipeline } };
}

function testLog(): Logger {
  return process.env.AAVA_TEST_LOG ? createLogger({ level: process.env.AAVA_TEST_LOG }) : silentLogger();
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = await new FakeAsterisk(opts.fake).start();
  opts.beforeEngine?.(fake);
  const dir = mkdtempSync(join(tmpdir(), 'aava-calls-'));
  writeFileSync(join(dir, 'ai-agent.yaml'), stringify((opts.config ?? ((p) => baseConfig(p)))(fake.port)));
  const events: ApiEvent[] = [];
  const run = async () => {
    const ctx: EngineContext = {
      config: new ConfigManager(join(dir, 'ai-agent.yaml')),
      db: openDatabase(join(dir, 'aava.db')),
      log: opts.log ?? testLog(),
      metrics: createMetrics({ defaultMetrics: false }),
      bus: new EventBus(),
      secrets: new MemorySecretStore(),
      dataDir: dir,
    };
    ctx.bus.subscribe((e) => events.push(e));
    const service = createCallServiceWith(ctx, { ariBackoff: { baseMs: 50, maxMs: 500, jitter: 0 }, setupTimeoutMs: opts.setupTimeoutMs ?? 5000, ...opts.service });
    await service.start();
    await until(() => service.ari.connected, 'the engine connected to the fake ARI');
    return { ctx, service };
  };
  const stop = async ({ ctx, service }: { ctx: EngineContext; service: CallService }) => {
    await service.stop(Date.now() + 3000);
    ctx.config.close();
    ctx.db.close();
  };
  let closing: Promise<void> | undefined;
  const h: Harness = {
    fake,
    ...(await run()),
    events,
    dir,
    health() {
      const r = { ari_connected: false, transports: {}, providers: {}, active_calls: 0 } as unknown as HealthReport;
      h.service.contributeHealth!(r);
      return r;
    },
    async restart(whileDown) {
      await stop(h);
      await whileDown?.();
      Object.assign(h, await run());
      return h.service;
    },
    close() {
      closing ??= (async () => {
        await stop(h);
        await fake.stop();
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
  return h;
}

/** startHarness, closed once the running test is over (inside a vitest test only). */
export async function startHarnessForTest(opts: HarnessOptions = {}): Promise<Harness> {
  return closeAtEnd(await startHarness(opts));
}

/** The engine with `providers.<name>` as its default provider (the echo provider left in place); closed when the test ends. */
export function startWithProvider(name: string, provider: Config, over: Config = {}): Promise<Harness> {
  return startHarnessForTest({ config: (port) => providerConfig(port, name, provider, over), setupTimeoutMs: 10_000 });
}

/** The engine with `pipelines.<name>` as its default; closed when the test ends. */
export function startWithPipeline(name: string, pipeline: Config, over: Config = {}): Promise<Harness> {
  return startHarnessForTest({ config: (port) => pipelineConfig(port, name, pipeline, over), setupTimeoutMs: 10_000 });
}

/** The fake Asterisk and a config file for it, for an engine started another way (composed, or a child process). */
export interface PbxWithConfig {
  fake: FakeAsterisk;
  dir: string;
  configPath: string;
  /** An empty data dir for the engine (dir/data). */
  dataDir: string;
  close(): Promise<void>;
}

/** baseConfig (with /health on port 0) and `over`, written next to a started fake Asterisk. */
export async function startPbxWithConfig(over: Config = {}): Promise<PbxWithConfig> {
  const fake = await new FakeAsterisk().start();
  const dir = mkdtempSync(join(tmpdir(), 'aava-engine-'));
  const configPath = join(dir, 'ai-agent.yaml');
  writeFileSync(configPath, stringify(baseConfig(fake.port, { health: { host: '127.0.0.1', port: 0 }, ...over })));
  return {
    fake,
    dir,
    configPath,
    dataDir: join(dir, 'data'),
    async close() {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Milliseconds of audible audio (RMS > threshold in 20 ms windows) in 8 kHz PCM. */
export function audibleMs(pcm: Int16Array): number {
  return activeSpans(pcm).reduce((a, s) => a + ((s.end - s.start) / 8000) * 1000, 0);
}

export async function callDetail(h: Harness, id: string): Promise<CallDetail> {
  return (await h.service.handlers!['calls.get']!({ id })) as CallDetail;
}

/** The outcome in the call.ended event for the only call. */
export function endedOutcome(h: Harness): string | undefined {
  const e = h.events.find((x) => x.type === 'call.ended');
  return e?.type === 'call.ended' ? e.call.outcome : undefined;
}
