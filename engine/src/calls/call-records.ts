/**
 * What the calls service keeps and tells about each call: its row, transcript
 * lines, turns and tool calls in the store (the row at once, before the
 * answer; the rest write-behind, see call-store.ts), the `call.*` events on
 * the bus and the call metrics. These are the controller's record hooks; a failure here is
 * logged and never reaches the call.
 */
import type { EngineContext } from '../engine-context.js';
import type { Logger } from '../observability/logger.js';
import type { ToolCallRecord } from '../api/calls.js';
import type { CallStore } from './call-store.js';
import type { CallHooks, CallSession } from './call-session.js';
import { turnTotalMs } from './latency-tracker.js';

export type CallRecordHooks = Pick<CallHooks, 'started' | 'updated' | 'ended' | 'transcript' | 'turn'> & {
  /** A tool call of any call (the tool runner's record). */
  tool(r: ToolCallRecord): void;
};

export function callRecordHooks(ctx: EngineContext, store: CallStore, log: Logger, afterEnd: (s: CallSession) => void): CallRecordHooks {
  const m = ctx.metrics;
  const recorded = new Set<string>();
  const safe = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      log.error({ err: (err as Error).message }, `calls: ${what} failed`);
    }
  };
  const record = (s: CallSession): void => {
    if (recorded.has(s.id)) return;
    recorded.add(s.id);
    const r = s.resolved;
    store.insertCall({
      id: s.id,
      channelId: s.caller.id,
      uniqueId: s.caller.id,
      callerName: s.caller.caller?.name || undefined,
      callerNumber: s.caller.caller?.number || undefined,
      context: r?.context ?? 'default',
      provider: r?.provider ?? s.config.default_provider,
      transport: s.transport,
      greeting: r?.greeting ?? '',
      prompt: r?.prompt ?? '',
      sources: r?.sources ?? { provider: 'default', context: 'default', greeting: 'default', prompt: 'default', persona: 'default' },
      startedAt: s.startedAt,
    });
    m.activeCalls.inc();
  };
  return {
    started: (s) =>
      safe('start', () => {
        if (s.ended) return; // ended while reading its variables: the end hook records it
        record(s);
        ctx.bus.publish({ type: 'call.started', call: s.summary() });
      }),
    updated: (s) =>
      safe('update', () => {
        if (!recorded.has(s.id)) return;
        store.setState(s.id, s.state);
        ctx.bus.publish({ type: 'call.updated', call: s.summary() });
      }),
    ended: (s) =>
      safe('end', () => {
        record(s);
        recorded.delete(s.id);
        store.finishCall(s.id, { endedAt: s.endedAt ?? Date.now(), outcome: s.outcome ?? 'error', transferTarget: s.transferTarget, error: s.error, failureReason: s.failureReason });
        m.activeCalls.dec();
        m.callsTotal.inc({ outcome: s.outcome ?? 'error' });
        ctx.bus.publish({ type: 'call.ended', call: s.summary() });
        afterEnd(s);
      }),
    transcript: (l) =>
      safe('transcript', () => {
        const line = store.addTranscript(l.callId, l.role, l.text, l.at);
        ctx.bus.publish({ type: 'call.transcript', line });
      }),
    turn: (t) =>
      safe('turn', () => {
        store.addTurn(t);
        const labels = { provider: t.provider };
        const total = turnTotalMs(t);
        if (t.firstAudioMs !== null && total !== null) m.turnLatency.observe(labels, total / 1000);
        if (t.sttFinalMs !== null) m.sttLatency.observe(labels, t.sttFinalMs / 1000);
        if (t.llmFirstTokenMs !== null) m.llmLatency.observe(labels, (t.llmFirstTokenMs - (t.sttFinalMs ?? 0)) / 1000);
        if (t.ttsFirstByteMs !== null && t.llmFirstTokenMs !== null) m.ttsLatency.observe(labels, (t.ttsFirstByteMs - t.llmFirstTokenMs) / 1000);
        ctx.bus.publish({ type: 'call.turn', latency: t });
      }),
    tool: (r) =>
      safe('tool', () => {
        store.addTool(r);
        ctx.bus.publish({ type: 'call.tool', tool: r });
      }),
  };
}
