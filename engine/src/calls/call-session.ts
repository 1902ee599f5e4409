/**
 * One call from StasisStart to the finalized row: read channel vars,
 * resolveCall, answer, mixing bridge, media leg (externalMedia, AudioSocket
 * originate as fallback), wait for the leg's own StasisStart before adding it
 * (retry on 422), the pre-call variables, then the conversation. Transfers,
 * voicemail and failover leave through dialplan-exits.ts; a failed provider
 * goes through provider-failover.ts (fallback line, then failover). Cleanup
 * runs once, in any order of events, and frees bridge, leg, port/socket,
 * provider and the call's tools.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { EngineMetrics } from '../observability/metrics.js';
import type { CallOutcome, CallState, CallSummary, ProviderFailureReason, TranscriptLine, TransportKind, TurnLatency } from '../api/calls.js';
import type { MediaLeg, MediaTransport, PendingLeg } from '../media/transport.js';
import type { ProviderLease, ProviderRegistry } from '../providers/registry.js';
import type { AriChannel } from '../ari/ari-types.js';
import type { AriRest } from '../ari/ari-rest.js';
import { resolveCall, type ResolvedCall } from './resolve-call.js';
import { channelVars, mediaLegChannelId, varsToFetch, type AiVar } from './call-vars.js';
import { Conversation, type AfterAction } from './conversation.js';
import { checkMediaDir } from './file-playback.js';
import { Deferred, withTimeout } from '../util/async.js';
import { createMediaLeg, addLegToBridge } from './media-leg-setup.js';
import { bridgeName } from './ari-names.js';
import type { CallIntegration, CallIntegrations } from '../integrations/call-integrations.js';
import { transferExit, voicemailExit, type DialplanExit } from './dialplan-exits.js';
import { unavailableProvider } from '../providers/unavailable-provider.js';
import { failOver, failoverExit } from './provider-failover.js';
import { warmFallback } from './fallback-audio.js';
import { callSummary } from './call-summary.js';

export interface CallHooks {
  ari(): AriRest | undefined;
  appName: string;
  transport(kind: TransportKind): Promise<MediaTransport>;
  providers: ProviderRegistry;
  metrics: EngineMetrics;
  log: Logger;
  registerLeg(channelId: string, s: CallSession): void;
  unregisterLeg(channelId: string): void;
  started(s: CallSession): void;
  updated(s: CallSession): void;
  ended(s: CallSession): void;
  transcript(line: Omit<TranscriptLine, 'seq' | 'at'> & { at: number }): void;
  turn(t: TurnLatency): void;
  /** [integrations hook] pre-call lookup, the call's tools, voicemail target (engine/src/integrations/). */
  integrations: CallIntegrations;
  /** Setup waits (leg StasisStart, media connect), ms. */
  setupTimeoutMs?: number;
}

export class CallSession {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  state: CallState = 'setup';
  resolved?: ResolvedCall;
  outcome?: CallOutcome;
  endedAt?: number;
  transferTarget?: string;
  error?: string;
  failureReason?: ProviderFailureReason;
  turns = 0;
  lastTurnLatencyMs?: number;
  readonly legChannelId: string;
  private bridgeId?: string;
  private pending?: PendingLeg;
  private leg?: MediaLeg;
  private lease?: ProviderLease;
  conversation?: Conversation;
  private readonly legStasis = new Deferred();
  private ending?: Promise<void>;
  private failing?: Promise<void>;
  private callerGone = false;
  private legInBridge = false;
  private leavingToDialplan = false;
  /** externalMedia/originate was sent: the leg channel may exist in Asterisk. */
  private legRequested = false;
  private readonly log: Logger;
  /** [integrations hook] this call's pre-call lookup and tools. */
  private integration?: CallIntegration;

  constructor(
    private readonly hooks: CallHooks,
    readonly caller: AriChannel,
    readonly config: AgentConfig,
  ) {
    this.legChannelId = mediaLegChannelId(this.id);
    this.log = hooks.log.child({ callId: this.id, channel: caller.id });
  }

  get transport(): TransportKind {
    return this.resolved?.transport ?? this.config.audio_transport;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  summary(): CallSummary {
    return callSummary(this);
  }

  private ari(): AriRest {
    const a = this.hooks.ari();
    if (!a) throw new Error('ARI is not connected');
    return a;
  }

  setState(state: CallState): void {
    if (this.state === state || this.state === 'ended' || (this.ending && state !== 'ended' && state !== 'ending')) return;
    // Leaving for the dialplan is final: later audio events do not bring the call back.
    if (this.state === 'transferring' && state !== 'ending') return;
    this.state = state;
    this.hooks.updated(this);
  }

  // ---- setup -----------------------------------------------------------------

  async run(): Promise<void> {
    try {
      await this.setup();
    } catch (err) {
      if (this.ending) {
        // Ended mid-setup: free what the interrupted step may still have created.
        await this.ending;
        await this.release();
        return;
      }
      const msg = (err as Error).message;
      this.log.error({ err: msg }, 'call setup failed');
      await this.end('error', msg);
    }
  }

  private async setup(): Promise<void> {
    const ari = this.ari();
    const fetched: Partial<Record<AiVar, string | undefined>> = {};
    await Promise.all(varsToFetch(this.caller).map(async (v) => (fetched[v] = await ari.getVar(this.caller.id, v).catch(() => undefined))));
    const vars = channelVars(this.caller, fetched);
    this.resolved = resolveCall(this.config, vars);
    for (const w of this.resolved.warnings) this.log.warn({ warning: w }, 'call selection');
    this.hooks.started(this);
    if (await this.ended_()) return;
    // [integrations hook] starts the pre-call lookup (it runs while the call is set up) and builds the call's tools.
    this.integration = this.hooks.integrations.beginCall({ callId: this.id, caller: this.caller, resolved: this.resolved, config: this.config, ari: () => this.hooks.ari() });

    warmFallback(this.config.on_provider_failure);
    let provider;
    try {
      this.lease = this.hooks.providers.acquire(this.resolved.provider);
      provider = this.lease.provider;
    } catch (err) {
      // No usable provider: media still comes up, so the caller hears the fallback line before the failover.
      provider = unavailableProvider(this.resolved.provider, err);
    }
    if (this.config.downstream_mode === 'file') checkMediaDir(this.config.media_dir);
    const timeout = this.hooks.setupTimeoutMs ?? 10_000;

    await ari.answer(this.caller.id);
    const bridge = await ari.createBridge(bridgeName(this.hooks.appName, this.id));
    this.bridgeId = bridge.id;
    if (await this.ended_()) return;
    await ari.addChannel(bridge.id, this.caller.id);

    const transport = await this.hooks.transport(this.resolved.transport);
    this.pending = await transport.allocate(this.id);
    // A leg that connects after the call ended (hangup mid-setup) is closed right away.
    this.pending.connected.then(
      (l) => this.ending && void l.close(),
      () => undefined,
    );
    if (await this.ended_()) return;
    this.hooks.registerLeg(this.legChannelId, this);
    this.legRequested = true;
    await createMediaLeg(ari, this.pending, this.hooks.appName, this.legChannelId, this.log);
    const [leg] = await Promise.all([
      withTimeout(this.pending.connected, timeout, 'the media connection from Asterisk'),
      withTimeout(this.legStasis.promise, timeout, "the media leg's StasisStart"),
    ]);
    this.leg = leg;
    leg.events.on('closed', ({ reason }) => this.onLegClosed(reason));
    if (await this.ended_()) return;
    await addLegToBridge(ari, bridge.id, this.legChannelId, this.log, () => this.ending !== undefined);
    this.legInBridge = true;
    if (await this.ended_()) return;
    // [integrations hook] the greeting waits for the pre-call variables at most webhooks.pre_call.timeout_ms.
    this.resolved = await this.integration.applyPreCall(this.resolved);
    if (await this.ended_()) return;

    this.conversation = await Conversation.create(
      {
        callId: this.id,
        callerChannelId: this.caller.id,
        config: this.config,
        resolved: this.resolved,
        callerName: vars.callerName,
        callerNumber: vars.callerNumber,
        log: this.log,
        ari: () => this.hooks.ari(),
        toEpoch: (p) => performance.timeOrigin + p,
        setState: (s) => this.setState(s),
        transcript: (role, text) => this.hooks.transcript({ callId: this.id, role, text, at: Date.now() }),
        turn: (t) => {
          this.turns = t.turn;
          this.lastTurnLatencyMs = t.firstAudioMs ?? undefined;
          this.hooks.turn(t);
          this.hooks.updated(this);
        },
        tools: this.integration.tools,
        runAction: (a) => this.runAction(a),
        providerFailed: (err) => void this.providerFailed(err),
        providerReconnect: (stage) => {
          if (stage !== 'started') this.hooks.metrics.providerReconnects.inc({ provider: this.resolved!.provider, result: stage });
          this.note(`Provider connection dropped: ${stage === 'started' ? 'reconnecting with the conversation so far' : stage === 'ok' ? 'reconnected' : 'reconnect failed'}`);
        },
        noInput: () => void this.hangupCaller('no_input_timeout'),
        bargeInObserved: (ms) => this.hooks.metrics.bargeInReaction.observe({ provider: this.resolved!.provider }, ms / 1000),
      },
      leg,
      provider,
    );
    if (await this.ended_()) return;
    try {
      await this.conversation.start();
    } catch (err) {
      await this.providerFailed(err as Error);
    }
  }

  /** The leg's own StasisStart (routed here by the controller by channel id). */
  legEnteredStasis(): void {
    this.legStasis.resolve();
  }

  // ---- events from the controller -------------------------------------------

  /** Caller left Stasis or hung up (StasisEnd / ChannelHangupRequest / ChannelDestroyed). */
  callerLeft(): void {
    this.callerGone = true;
    // A transfer (POST /continue) makes the caller leave Stasis: that is not a hangup.
    if (this.state === 'transferring' || this.leavingToDialplan) return;
    if (!this.ending) void this.end('caller_hangup');
  }

  /** The media leg's channel went away on the Asterisk side. */
  legGone(): void {
    if (!this.ending) void this.end(this.callerGone ? 'caller_hangup' : 'error', 'media leg hung up');
  }

  private onLegClosed(reason: string): void {
    if (this.ending) return;
    // Give a caller hangup that raced the socket close a moment to arrive.
    setTimeout(() => {
      if (!this.ending) void this.end(this.callerGone ? 'caller_hangup' : 'error', `media connection closed (${reason})`);
    }, 300).unref();
  }

  // ---- actions -----------------------------------------------------------------

  async runAction(a: AfterAction): Promise<void> {
    if (a.action === 'hangup') return this.hangupCaller('agent_hangup');
    // [integrations hook] the voicemail tool's action leaves like a transfer, into the voicemail target.
    const exit = a.action === 'voicemail' ? voicemailExit(this.config, a) : transferExit(this.config, a.destination);
    if (exit) await this.leaveTo(exit);
  }

  /** API: hang up now. */
  async hangupNow(): Promise<void> {
    await this.hangupCaller('agent_hangup');
  }

  /** API: transfer (after the current utterance). */
  requestTransfer(destination: string): void {
    if (!this.config.tools.transfer.destinations[destination]) {
      throw new Error(`unknown transfer destination "${destination}" (have: ${Object.keys(this.config.tools.transfer.destinations).join(', ') || 'none'})`);
    }
    if (this.conversation) this.conversation.requestAction({ action: 'transfer', destination });
    else void this.runAction({ action: 'transfer', destination });
  }

  /** Transfer or voicemail: the caller continues in the dialplan and the call ends as transferred. */
  private async leaveTo(exit: DialplanExit): Promise<void> {
    if (this.ending || this.state === 'transferring') return;
    this.setState('transferring');
    try {
      await exit.go(this.ari(), this.caller.id);
      this.transferTarget = exit.target;
      await this.end('transferred');
    } catch (err) {
      const msg = (err as Error).message;
      this.log.error({ err: msg, target: exit.target }, `${exit.what} failed`);
      await this.end('error', `${exit.what} failed: ${msg}`);
    }
  }

  private async hangupCaller(outcome: CallOutcome): Promise<void> {
    if (this.ending) return;
    await this.end(outcome);
  }

  /** Failover or engine stop: the caller continues in the dialplan at `exit`; false when ARI refused. */
  async leaveForFailover(exit: DialplanExit): Promise<boolean> {
    const ari = this.hooks.ari();
    if (!ari) return false;
    this.leavingToDialplan = true;
    try {
      await exit.go(ari, this.caller.id);
      this.transferTarget = exit.target;
      this.callerGone = true;
      return true;
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, `${exit.what} failed`);
      return false;
    }
  }

  /** The provider failed: the fallback line, then the context's failover (provider-failover.ts); once. */
  private providerFailed(err: Error): Promise<void> {
    if (this.ending) return this.ending;
    this.failing ??= failOver(this, { log: this.log, metrics: this.hooks.metrics, note: (text) => this.note(text) }, err);
    return this.failing;
  }

  /** A system line in the call's transcript. */
  private note(text: string): void {
    this.hooks.transcript({ callId: this.id, role: 'system', text, at: Date.now() });
  }

  /** Engine shutdown: where the call's failover leads (a transfer destination or the dialplan), else hang up. */
  async shutdown(): Promise<void> {
    if (this.ending) return this.ending;
    const exit = failoverExit(this.config, this.resolved?.context);
    if (exit && (await this.leaveForFailover(exit))) return this.end('transferred', 'engine stopped');
    return this.end('agent_hangup', 'engine stopped');
  }

  // ---- cleanup -----------------------------------------------------------------

  /** Ends the call exactly once; every step tolerates things already gone. */
  end(outcome: CallOutcome, error?: string): Promise<void> {
    this.ending ??= this.cleanup(outcome, error);
    return this.ending;
  }

  private async cleanup(outcome: CallOutcome, error?: string): Promise<void> {
    this.outcome = outcome;
    if (error) this.error = error;
    this.state = 'ending';
    this.legStasis.reject(new Error('call ended'));
    await this.release();
    const keepCaller = outcome === 'transferred' || this.callerGone;
    if (!keepCaller) await this.hooks.ari()?.hangup(this.caller.id).catch(() => undefined);
    this.endedAt = Date.now();
    this.state = 'ended';
    this.log.info({ outcome, error, transferTarget: this.transferTarget }, 'call ended');
    this.hooks.ended(this);
  }

  /**
   * Frees whatever the call holds (idempotent). Setup calls it again when it
   * acquired something after the call had already ended (a hangup mid-setup).
   */
  private async release(): Promise<void> {
    const ari = this.hooks.ari();
    const quiet = (p: Promise<unknown> | undefined) => p?.catch(() => undefined);
    const conv = this.conversation;
    this.conversation = undefined;
    await quiet(conv?.close());
    this.integration?.close(); // [integrations hook] cancels running tools, frees MCP connections
    const pending = this.pending;
    const leg = this.leg;
    this.pending = undefined;
    this.leg = undefined;
    pending?.cancel('call ended');
    await quiet(leg?.close());
    const bridgeId = this.bridgeId;
    this.bridgeId = undefined;
    if (bridgeId) await quiet(ari?.destroyBridge(bridgeId));
    if (this.legRequested || this.legInBridge) await quiet(ari?.hangup(this.legChannelId));
    this.legInBridge = false;
    this.hooks.unregisterLeg(this.legChannelId);
    const lease = this.lease;
    this.lease = undefined;
    lease?.release();
  }

  /** In setup: true (after freeing late acquisitions) when the call ended meanwhile. */
  private async ended_(): Promise<boolean> {
    if (!this.ending) return false;
    await this.ending;
    await this.release();
    return true;
  }
}
