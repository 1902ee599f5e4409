/**
 * The calls service's link to the business's systems, in one place: the
 * pre-call lookup, each call's tools (built-in, HTTP, MCP), the post-call
 * webhook queue, and their control-API handlers. The call path reaches it
 * through a few marked hooks in calls/ (see docs/ARCHITECTURE.md).
 */
import type { EngineContext } from '../engine-context.js';
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { CallDetail, ToolCallRecord } from '../api/calls.js';
import type { PreCallRecord, ToolCatalogView, WebhookQueueView } from '../api/integrations.js';
import { ApiError } from '../api/define.js';
import type { AriChannel } from '../ari/ari-types.js';
import type { AriRest } from '../ari/ari-rest.js';
import { McpHub } from '../tools/mcp/mcp-hub.js';
import { buildToolbox, catalogView } from '../tools/catalog.js';
import { ToolRunner } from '../tools/tool-runner.js';
import { registerSecretValue } from '../observability/logger.js';
import { integrationSecrets } from '../tools/redact.js';
import { WebhooksRepository } from '../webhooks/webhooks-repository.js';
import { DeliveryQueue } from '../webhooks/delivery-queue.js';
import { lookupCaller } from '../webhooks/pre-call.js';
import { applyLookup } from '../webhooks/call-variables.js';
import { postCallDocument } from '../webhooks/post-call-document.js';

/** What the integrations read of a resolved call (calls/resolve-call.ts's ResolvedCall has these). */
export interface CallTexts {
  context: string;
  tools: string[];
  greeting: string;
  prompt: string;
}

export interface CallStart {
  callId: string;
  caller: AriChannel;
  resolved: CallTexts;
  config: AgentConfig;
  ari(): AriRest | undefined;
}

/** One call's integrations. */
export interface CallIntegration {
  readonly tools: ToolRunner;
  /** Greeting and prompt with the pre-call variables (waits at most webhooks.pre_call.timeout_ms from the call's start). */
  applyPreCall<R extends CallTexts>(resolved: R): Promise<R>;
  close(): void;
}

export interface CallIntegrationsDeps {
  ctx: EngineContext;
  log: Logger;
  recordTool(rec: ToolCallRecord): void;
  /** The finished call as stored. */
  callDetail(id: string): CallDetail | null;
  /** Queues a per-call store write behind the call path (the calls' write-behind store, one transaction per flush). */
  writeBehind(write: () => void): void;
}

const sleep = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref());

export class CallIntegrations {
  readonly mcp: McpHub;
  readonly repo: WebhooksRepository;
  readonly queue: DeliveryQueue;
  /** Pre-call results of live calls (the call page shows them before the call ends). */
  private readonly live = new Map<string, PreCallRecord>();

  constructor(private readonly d: CallIntegrationsDeps) {
    const m = d.ctx.metrics;
    this.mcp = new McpHub(d.log);
    this.repo = new WebhooksRepository(d.ctx.db);
    this.queue = new DeliveryQueue({ repo: this.repo, config: () => d.ctx.config.current().webhooks.post_call, log: d.log, observe: (r) => m.webhookDeliveries.inc({ result: r }) });
  }

  /** Engine start: MCP servers connect in the background; pending webhooks resume. */
  start(config: AgentConfig): void {
    this.update(config);
    this.queue.start();
  }

  /** Config reload: MCP tool lists are read again, secrets re-registered. */
  update(config: AgentConfig): void {
    for (const s of integrationSecrets(config)) registerSecretValue(s);
    void this.mcp.update(config).catch((err: Error) => this.d.log.warn({ err: err.message }, 'MCP update failed'));
  }

  async stop(): Promise<void> {
    await this.queue.stop();
    await this.mcp.closeAll();
  }

  beginCall(c: CallStart): CallIntegration {
    const m = this.d.ctx.metrics;
    const tools = new ToolRunner({
      callId: c.callId,
      context: c.resolved.context,
      config: c.config,
      toolbox: buildToolbox(c.config, c.resolved.tools, this.mcp),
      log: this.d.log,
      record: (r) => this.d.recordTool(r),
      observe: (kind, ok, s) => {
        m.toolCalls.inc({ kind, result: ok ? 'ok' : 'error' });
        m.toolDuration.observe({ kind }, s);
      },
    });
    const pre = c.config.webhooks.pre_call;
    const started = Date.now();
    let closed = false;
    const lookup = pre?.url
      ? this.lookup(c, pre, started + pre.timeout_ms).then((r) => {
          if (!closed) this.live.set(c.callId, r);
          return r;
        })
      : undefined;
    return {
      tools,
      applyPreCall: async (resolved) => {
        if (!lookup || !pre) return resolved;
        const got = await Promise.race([lookup, sleep(Math.max(0, started + pre.timeout_ms - Date.now()))]);
        const vars = got?.variables ?? {};
        const { greeting, prompt } = applyLookup(resolved.greeting, resolved.prompt, vars);
        this.d.writeBehind(() => this.safe('storing the filled greeting', () => this.repo.fillCallTexts(c.callId, greeting, prompt)));
        return { ...resolved, greeting, prompt };
      },
      close: () => {
        closed = true;
        tools.close();
        this.live.delete(c.callId);
      },
    };
  }

  /** The call ended and its row is final: queue the post-call document (the calls service runs this write-behind, after the final row). */
  callEnded(callId: string): void {
    const post = this.d.ctx.config.current().webhooks.post_call;
    if (!post?.url) return;
    this.safe('queueing the post-call webhook', () => {
      const detail = this.d.callDetail(callId);
      if (!detail) return;
      this.queue.enqueue(callId, post.url, JSON.stringify(postCallDocument(this.decorate(detail))));
    });
  }

  /** Adds what the integrations know about a call to its detail. */
  decorate(detail: CallDetail): CallDetail {
    const pre = this.live.get(detail.id) ?? this.repo.preCall(detail.id);
    return pre ? { ...detail, preCall: pre } : detail;
  }

  readonly handlers = {
    'webhooks.queue': (): WebhookQueueView => this.queue.view(),
    'webhooks.resend': ({ id }: { id: number }) => {
      if (!this.queue.resend(id)) throw new ApiError('not_found', `no dead letter with id ${id}`);
      return { ok: true as const };
    },
    'tools.catalog': (): ToolCatalogView => catalogView(this.d.ctx.config.current(), this.mcp),
  };

  /** The lookup, all of it (dnid read included) bounded by the greeting's deadline. */
  private lookup(c: CallStart, pre: NonNullable<AgentConfig['webhooks']['pre_call']>, deadline: number): Promise<PreCallRecord> {
    const ch = c.caller;
    return (async () => {
      const dnid = (await c.ari()?.getVar(ch.id, 'CALLERID(dnid)').catch(() => undefined)) || (ch.dialplan?.exten && ch.dialplan.exten !== 's' ? ch.dialplan.exten : null);
      const r = await lookupCaller(pre, { call_id: c.callId, caller_number: ch.caller?.number || null, caller_name: ch.caller?.name || null, context: c.resolved.context, dnid }, AbortSignal.timeout(Math.max(1, deadline - Date.now())));
      this.d.ctx.metrics.preCallLookups.inc({ result: r.status });
      if (r.status !== 'ok') this.d.log.warn({ callId: c.callId, status: r.status, err: r.error }, 'pre-call lookup failed; the call goes on without its variables');
      this.d.writeBehind(() => this.safe('storing the pre-call lookup', () => this.repo.savePreCall(c.callId, r)));
      return r;
    })();
  }

  private safe(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.d.log.warn({ err: (err as Error).message }, `integrations: ${what} failed`);
    }
  }
}
