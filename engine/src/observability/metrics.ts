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
  txBytes: Counter<'transport'>;
  ariConnected: Gauge;
  recordingsSynced: Counter<'result'>;
  reclaimed: Counter<'kind'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): EngineMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'ai_agent_process_' });
  const h = (name: string, help: string) =>
    new Histogram({ name, help, labelNames: ['provider'] as const, buckets: LATENCY_BUCKETS, registers: [registry] });
  return {
    registry,
    turnLatency: h('ai_agent_turn_latency_seconds', 'Caller end of speech to first agent audio on the wire'),
    sttLatency: h('ai_agent_stt_latency_seconds', 'End of speech to final transcript'),
    llmLatency: h('ai_agent_llm_latency_seconds', 'Final transcript (or end of speech) to first LLM token'),
    ttsLatency: h('ai_agent_tts_latency_seconds', 'First LLM token to first TTS audio byte'),
    bargeInReaction: h('ai_agent_barge_in_reaction_seconds', 'Caller speech start to last outbound agent frame'),
    activeCalls: new Gauge({ name: 'ai_agent_active_calls', help: 'Calls in progress', registers: [registry] }),
    callsTotal: new Counter({ name: 'ai_agent_calls_total', help: 'Finished calls by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    rxBytes: new Counter({ name: 'ai_agent_transport_rx_bytes_total', help: 'Audio bytes received from Asterisk', labelNames: ['transport'] as const, registers: [registry] }),
    txBytes: new Counter({ name: 'ai_agent_transport_tx_bytes_total', help: 'Audio bytes sent to Asterisk', labelNames: ['transport'] as const, registers: [registry] }),
    ariConnected: new Gauge({ name: 'ai_agent_ari_connected', help: '1 when the ARI event socket is up', registers: [registry] }),
    recordingsSynced: new Counter({ name: 'ai_agent_recordings_synced_total', help: 'Recordings sync results', labelNames: ['result'] as const, registers: [registry] }),
    reclaimed: new Counter({ name: 'ai_agent_reclaimed_total', help: 'Leftovers reclaimed when reconciling with the PBX (bridge, caller, media_leg, call)', labelNames: ['kind'] as const, registers: [registry] }),
  };
}
