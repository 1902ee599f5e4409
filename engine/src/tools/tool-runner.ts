/**
 * Runs one call's tools for every provider (OpenAI Realtime and Deepgram
 * function calls, pipeline LLM tool calls all arrive through
 * SessionSink.callTool): refuses what the context does not allow, times the
 * run, plays the filler when it is slow, masks secrets in what the model
 * hears and in the record, and stores every call (name, arguments, result,
 * duration, error). Never throws.
 */
import { performance } from 'node:perf_hooks';
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { ToolCallRecord } from '../api/calls.js';
import type { ToolKind, ToolResult, ToolSpec } from './tool.js';
import type { CallToolbox } from './catalog.js';
import { BUILTIN_TOOLS } from './registry.js';
import { integrationSecrets, redact } from './redact.js';
import { armFiller, type FillerAudio } from './filler.js';

/** What the conversation needs from a call's tools. */
export interface CallTools {
  specs(): ToolSpec[];
  run(name: string, args: unknown, audio?: FillerAudio): Promise<ToolResult>;
}

export interface ToolRunnerOptions {
  callId: string;
  context: string;
  config: AgentConfig;
  toolbox: CallToolbox;
  log: Logger;
  record(rec: ToolCallRecord): void;
  /** Metrics: one observation per run. */
  observe?(kind: ToolKind | 'unknown', ok: boolean, seconds: number): void;
}

export class ToolRunner implements CallTools {
  private readonly secrets: string[];
  private readonly abort = new AbortController();

  constructor(private readonly o: ToolRunnerOptions) {
    this.secrets = integrationSecrets(o.config);
  }

  specs(): ToolSpec[] {
    return this.o.toolbox.specs(this.o.config);
  }

  async run(name: string, args: unknown, audio?: FillerAudio): Promise<ToolResult> {
    const o = this.o;
    const at = new Date().toISOString();
    const started = performance.now();
    const entry = o.toolbox.byWireName(name);
    if (!entry) return this.finish({ name, at, started, args, result: this.refusal(name) });
    const filler = o.config.tools.filler;
    const armed = audio && filler.enabled ? armFiller(filler.text, filler.after_ms, audio, (err) => o.log.warn({ callId: o.callId, err: err.message }, 'filler audio unavailable')) : undefined;
    let result: ToolResult;
    try {
      result = await entry.tool.run(args ?? {}, { callId: o.callId, context: o.context, config: o.config, signal: this.abort.signal });
    } catch (err) {
      result = { ok: false, output: { error: `tool "${entry.name}" failed: ${(err as Error).message}` } };
    } finally {
      armed?.cancel();
    }
    return this.finish({ name: entry.name, kind: entry.kind, at, started, args, result, filler: armed?.played });
  }

  /** Call ended: cancel running tools and free MCP connections. */
  close(): void {
    this.abort.abort();
    this.o.toolbox.release();
  }

  private refusal(name: string): ToolResult {
    const o = this.o;
    const known = BUILTIN_TOOLS.some((t) => t.name === name) || name in o.config.tools.http;
    const allowed = o.toolbox.entries.map((e) => e.wireName).join(', ') || 'none';
    return { ok: false, output: { error: known ? `tool "${name}" is not allowed in context "${o.context}" (allowed: ${allowed})` : `unknown tool "${name}" (allowed: ${allowed})` } };
  }

  private finish(r: { name: string; kind?: ToolKind; at: string; started: number; args: unknown; result: ToolResult; filler?: boolean }): ToolResult {
    const o = this.o;
    const durationMs = Math.round(performance.now() - r.started);
    const output = redact(r.result.output, this.secrets) as Record<string, unknown>;
    const error = r.result.ok ? undefined : typeof output.error === 'string' ? output.error : 'failed';
    const rec: ToolCallRecord = { callId: o.callId, name: r.name, args: redact(r.args ?? {}, this.secrets), result: output, at: r.at, ok: r.result.ok, durationMs };
    if (r.kind) rec.kind = r.kind;
    if (error) rec.error = error;
    try {
      o.record(rec);
    } catch (err) {
      o.log.warn({ callId: o.callId, err: (err as Error).message }, 'tool call not recorded');
    }
    o.observe?.(r.kind ?? 'unknown', r.result.ok, durationMs / 1000);
    o.log.info({ callId: o.callId, tool: r.name, kind: r.kind, ok: r.result.ok, durationMs, filler: r.filler || undefined }, 'tool call');
    return { ...r.result, output };
  }
}
