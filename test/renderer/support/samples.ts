/** Builders for contract objects; each test overrides what it asserts on. */
import type { CallSummary, ConfigView, HealthReport } from '../../../renderer/src/api/contract';

export function callSummary(over: Partial<CallSummary> = {}): CallSummary {
  return {
    id: 'call-1',
    channelId: '1700000000.1',
    callerName: 'Ada Lovelace',
    callerNumber: '+15550100',
    context: 'sales',
    provider: 'echo',
    transport: 'audiosocket',
    state: 'listening',
    startedAt: new Date(Date.now() - 65_000).toISOString(),
    turns: 1,
    lastTurnLatencyMs: 640,
    ...over,
  };
}

export function configView(over: Partial<ConfigView> = {}): ConfigView {
  return {
    path: '/etc/aava/ai-agent.yaml',
    loadedAt: '2026-11-21T07:00:00.000Z',
    defaultProvider: 'echo',
    audioTransport: 'audiosocket',
    appName: 'asterisk-ai-voice-agent',
    contexts: [
      { name: 'sales', greeting: 'Hi, sales here.', prompt: 'You sell things to {caller_name}.', provider: 'echo', tools: ['transfer'], destination: '7001' },
      { name: 'support', tools: [] },
    ],
    providers: [
      { name: 'echo', kind: 'provider', type: 'echo' },
      { name: 'local_hybrid', kind: 'pipeline', type: 'pipeline' },
    ],
    tools: ['transfer', 'hangup'],
    transferDestinations: [{ name: 'operator', type: 'extension', target: '100' }],
    ...over,
  };
}

export function healthReport(over: Partial<HealthReport> = {}): HealthReport {
  return {
    status: 'degraded',
    ari_connected: false,
    ari_reason: 'connect ECONNREFUSED 127.0.0.1:8088',
    transports: { audiosocket: { listening: true, bind: '0.0.0.0:8090', advertise: '10.0.0.5:8090' } },
    providers: {
      echo: { ready: true, kind: 'provider', type: 'echo' },
      openai_realtime: { ready: false, kind: 'provider', type: 'openai_realtime', reason: 'OPENAI_API_KEY is not set' },
    },
    active_calls: 0,
    uptime_seconds: 42,
    config_loaded_at: '2026-11-21T07:00:00.000Z',
    config_path: '/etc/aava/ai-agent.yaml',
    secret_store: 'file',
    recordings: { enabled: true, last_sync_at: '2026-11-21T06:50:00.000Z', last_result: 'failed', last_error: 'connect ECONNREFUSED 10.0.0.2:8088' },
    version: '0.1.0',
    ...over,
  };
}
