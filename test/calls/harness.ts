/**
 * A real call engine (calls service with its ARI link, transports, providers,
 * SQLite store) against the fake Asterisk, all on real sockets in one process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FakeAsterisk, until, type FakeAsteriskOptions } from '../fakes/asterisk/index.js';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { openDatabase } from '../../engine/src/store/database.js';
import { createLogger, silentLogger, type Logger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import type { EngineContext } from '../../engine/src/engine-context.js';
import { createCallServiceWith, type CallService, type CallServiceOptions } from '../../engine/src/calls/call-service.js';
import type { ApiEvent, HealthReport } from '../../engine/src/api/index.js';

export interface Harness {
  fake: FakeAsterisk;
  service: CallService;
  ctx: EngineContext;
  events: ApiEvent[];
  dir: string;
  health(): HealthReport;
  close(): Promise<void>;
}

export const RTP_BASE = 30000 + Math.floor(Math.random() * 20000);
let rtpOffset = 0;

export function baseConfig(port: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const rtpStart = RTP_BASE + (rtpOffset += 60);
  return {
    default_provider: 'echo',
    asterisk: { host: '127.0.0.1', port, username: 'aiagent', password: 'aiagentpass', app_name: 'asterisk-ai-voice-agent' },
    audio_transport: 'audiosocket',
    audiosocket: { host: '127.0.0.1', advertise_host: '127.0.0.1', port: 0, format: 'slin' },
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

export async function startHarness(
  opts: {
    fake?: FakeAsteriskOptions;
    config?: (port: number) => Record<string, unknown>;
    setupTimeoutMs?: number;
    beforeEngine?: (fake: FakeAsterisk) => void;
    service?: Partial<CallServiceOptions>;
    log?: Logger;
  } = {},
): Promise<Harness> {
  const fake = await new FakeAsterisk(opts.fake).start();
  opts.beforeEngine?.(fake);
  const dir = mkdtempSync(join(tmpdir(), 'aava-calls-'));
  const cfgFile = join(dir, 'ai-agent.yaml');
  writeFileSync(cfgFile, stringify((opts.config ?? ((p) => baseConfig(p)))(fake.port)));
  const config = new ConfigManager(cfgFile);
  const db = openDatabase(join(dir, 'aava.db'));
  const ctx: EngineContext = {
    config,
    db,
    log: opts.log ?? (process.env.AAVA_TEST_LOG ? createLogger({ level: process.env.AAVA_TEST_LOG }) : silentLogger()),
    metrics: createMetrics({ defaultMetrics: false }),
    bus: new EventBus(),
    secrets: new MemorySecretStore(),
    dataDir: dir,
  };
  const events: ApiEvent[] = [];
  ctx.bus.subscribe((e) => events.push(e));
  const service = createCallServiceWith(ctx, { ariBackoff: { baseMs: 50, maxMs: 500, jitter: 0 }, setupTimeoutMs: opts.setupTimeoutMs ?? 5000, ...opts.service });
  await service.start();
  await until(() => service.ari.connected, 'the engine connected to the fake ARI');
  const health = (): HealthReport => {
    const r = { ari_connected: false, transports: {}, providers: {}, active_calls: 0 } as unknown as HealthReport;
    service.contributeHealth!(r);
    return r;
  };
  return {
    fake,
    service,
    ctx,
    events,
    dir,
    health,
    async close() {
      await service.stop(Date.now() + 3000);
      await fake.stop();
      config.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Caller speech for tests: a tone burst followed by silence (so the echo provider's utterance ends). */
export { tone, silence, concatPcm, tonePower, strongestTone, activeSpans, until } from '../fakes/asterisk/index.js';
