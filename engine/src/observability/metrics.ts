/**
 * Prometheus metrics (prom-client). Labels are low-cardinality: provider,
 * transport, outcome — never a call id or a number.
 */
import { Registry, Histogram, Gauge, Counter, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

export interface EngineMetrics {
  registry: Registry;
  turnLatency: Histogram<'provider'>;
  sttLatency: Histogram<'provider'>;
  llmLatency: Histogram<'provider'>;
  ttsLatency: Histogram<'provider'>;
  bargeInReaction: Histogram<'provider'>;
  activeCalls: Gauge;
  callsTotal: Counter<'outcome'>;
  rxBytes: Counter<'transport'>;
  inboundFills: Counter<'transport'>;
  txBytes: Counter<'transport'>;
  ariConnected: Gauge;
  recordingsSynced: Counter<'result'>;
  reclaimed: Counter<'kind'>;
  /** Integrations (issue 17): pre-call lookups, tool calls, post-call webhook deliveries. */
  preCallLookups: Counter<'result'>;
  toolCalls: Counter<'kind' | 'result'>;
  toolDuration: Histogram<'kind'>;
  webhookDeliveries: Counter<'result'>;
  websocketFlowEvents: Counter<'event'>;
  /** Provider failover (issue 14): failures by provider and reason, reconnects of dropped realtime sockets by result. */
  providerFailures: Counter<'provider' | 'reason'>;
  providerReconnects: Counter<'provider' | 'result'>;
  /**
   * Hot-path counts kept in plain numbers (the media path adds bytes per frame): `flush` moves them into
   * their counters and runs before any metric is read, so a scrape always sees every byte. Returns an unsubscribe.
   */
  beforeRead(flush: () => void): () => void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): EngineMetrics {
  const registry = new Registry();
  const flushes = new Set<() => void>();
  const collect = (): void => {
    for (const f of flushes) f();
  };
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'ai_agent_process_' });
  const h = (name: string, help: string) =>
    new Histogram({ name, help, labelNames: ['provider'] as const, buckets: LATENCY_BUCKETS, registers: [registry] });
  return {
    registry,
    beforeRead: (flush) => {
      flushes.add(flush);
      return () => flushes.delete(flush);
    },
    turnLatency: h('ai_agent_turn_latency_seconds', "Caller's last voiced frame to the first agent frame on the wire (end-of-speech wait included)"),
    sttLatency: h('ai_agent_stt_latency_seconds', 'Last voiced frame to final transcript'),
    llmLatency: h('ai_agent_llm_latency_seconds', 'Final transcript (or end of speech) to first LLM token'),
    ttsLatency: h('ai_agent_tts_latency_seconds', 'First LLM token to first TTS audio byte'),
    bargeInReaction: h('ai_agent_barge_in_reaction_seconds', 'Caller speech start to last outbound agent frame'),
    activeCalls: new Gauge({ name: 'ai_agent_active_calls', help: 'Calls in progress', registers: [registry] }),
    callsTotal: new Counter({ name: 'ai_agent_calls_total', help: 'Finished calls by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    rxBytes: new Counter({ name: 'ai_agent_transport_rx_bytes_total', help: 'Audio bytes received from Asterisk', labelNames: ['transport'] as const, registers: [registry], collect }),
    inboundFills: new Counter({ name: 'ai_agent_inbound_fill_frames_total', help: 'Silent inbound frames the media clock synthesized for 20 ms slots the PBX sent nothing for', labelNames: ['transport'] as const, registers: [registry] }),
    txBytes: new Counter({ name: 'ai_agent_transport_tx_bytes_total', help: 'Audio bytes sent to Asterisk', labelNames: ['transport'] as const, registers: [registry], collect }),
    ariConnected: new Gauge({ name: 'ai_agent_ari_connected', help: '1 when the ARI event socket is up', registers: [registry] }),
    recordingsSynced: new Counter({ name: 'ai_agent_recordings_synced_total', help: 'Recordings sync results', labelNames: ['result'] as const, registers: [registry] }),
    reclaimed: new Counter({ name: 'ai_agent_reclaimed_total', help: 'Leftovers reclaimed when reconciling with the PBX (bridge, caller, media_leg, call)', labelNames: ['kind'] as const, registers: [registry] }),
    preCallLookups: new Counter({ name: 'ai_agent_precall_lookups_total', help: 'Pre-call lookups by result (ok, timeout, error)', labelNames: ['result'] as const, registers: [registry] }),
    toolCalls: new Counter({ name: 'ai_agent_tool_calls_total', help: 'Tool calls by kind (builtin, http, mcp) and result (ok, error)', labelNames: ['kind', 'result'] as const, registers: [registry] }),
    toolDuration: new Histogram({ name: 'ai_agent_tool_duration_seconds', help: 'Tool run time', labelNames: ['kind'] as const, buckets: LATENCY_BUCKETS, registers: [registry] }),
    webhookDeliveries: new Counter({ name: 'ai_agent_webhook_deliveries_total', help: 'Post-call webhook attempts by result (delivered, retry, dead)', labelNames: ['result'] as const, registers: [registry] }),
    websocketFlowEvents: new Counter({ name: 'ai_agent_websocket_flow_events_total', help: 'WebSocket media legs: MEDIA_XOFF / MEDIA_XON received, FLUSH_MEDIA sent', labelNames: ['event'] as const, registers: [registry] }),
    providerFailures: new Counter({ name: 'ai_agent_provider_failures_total', help: 'Provider sessions that failed mid-call or at setup (the caller heard the fallback line and failed over), by reason', labelNames: ['provider', 'reason'] as const, registers: [registry] }),
    providerReconnects: new Counter({ name: 'ai_agent_provider_reconnects_total', help: 'Reconnects of a realtime provider whose socket dropped mid-call, by result (ok, failed)', labelNames: ['provider', 'result'] as const, registers: [registry] }),
  };
}
