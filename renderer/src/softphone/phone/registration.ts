/**
 * The phone's line to the PBX: one SIP.js UserAgent over WebSocket and its Registerer, the REGISTER timeout and
 * the reconnect back-off after the WebSocket dropped. It writes `reg`/`regError` into the phone's store; calls
 * (INVITEs in and out) stay with Phone.
 */
import type { StoreApi } from 'zustand/vanilla';
import { Registerer, RegistererState, UserAgent, type Invitation, type URI } from 'sip.js';
import { userAgentOptions } from './user-agent-options';
import { watchInviteWire, type CallMarks } from './sip-wire';
import { sipResponseError, transportError } from '../logic/errors';
import type { PhoneAccount, PhoneState } from './types';

const REGISTER_TIMEOUT_MS = 10_000;
/** Back-off between reconnect attempts after the WebSocket dropped (the last one repeats). */
const RECONNECT_DELAYS_MS = [2000, 5000, 10_000, 30_000];

/** What the line asks of the phone. */
export interface RegistrationHooks {
  /** The call's "microphone" for SIP.js. */
  mediaStreamFor(constraints: MediaStreamConstraints): Promise<MediaStream>;
  onInvite(inv: Invitation): void;
  /** The current call's wire marks (INVITE sent, answer), filled from the transport. */
  marks(): CallMarks;
}

export class Registration {
  private current: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private everConnected = false;
  private regTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;

  constructor(
    private readonly store: StoreApi<PhoneState>,
    private readonly hooks: RegistrationHooks,
  ) {}

  /** The connected UserAgent, null while unregistered. */
  get ua(): UserAgent | null {
    return this.current;
  }

  private set(p: Partial<PhoneState>) {
    this.store.setState(p);
  }

  /** Connects and registers `account` at `uri` (the caller has stopped any earlier line). */
  async start(account: PhoneAccount, uri: URI): Promise<void> {
    this.everConnected = false;
    this.set({ reg: 'connecting', regError: undefined });
    const ua = new UserAgent(
      userAgentOptions(account, uri, (constraints) => this.hooks.mediaStreamFor(constraints), {
        onConnect: () => {
          this.everConnected = true;
        },
        onDisconnect: (error) => {
          if (this.current !== ua) return;
          if (!error) {
            this.set({ reg: 'unregistered' });
            return;
          }
          const e = transportError(account.wssUrl, error.message, this.everConnected);
          this.set({ reg: 'failed', regError: e });
          if (this.everConnected) this.scheduleReconnect(ua, e.message);
        },
        onInvite: (inv) => this.hooks.onInvite(inv),
      }),
    );
    this.current = ua;
    watchInviteWire(ua, () => this.hooks.marks());
    try {
      await ua.start();
    } catch (err) {
      if (this.current !== ua) return;
      this.set({ reg: 'failed', regError: transportError(account.wssUrl, (err as Error).message, false) });
      this.current = null;
      await ua.stop().catch(() => undefined);
      return;
    }
    this.everConnected = true;
    await this.register(ua, account);
  }

  private async register(ua: UserAgent, account: PhoneAccount): Promise<void> {
    const registerer = new Registerer(ua, { expires: 300 });
    this.registerer = registerer;
    registerer.stateChange.addListener((s) => {
      if (this.registerer !== registerer) return;
      if (s === RegistererState.Registered) {
        clearTimeout(this.regTimer);
        this.set({ reg: 'registered', regError: undefined });
      } else if (s === RegistererState.Unregistered && this.store.getState().reg === 'registered') {
        this.set({ reg: 'unregistered' });
      }
    });
    this.set({ reg: 'registering' });
    this.regTimer = setTimeout(() => {
      if (this.registerer === registerer && this.store.getState().reg === 'registering') {
        this.set({ reg: 'failed', regError: { kind: 'timeout', message: `No answer to REGISTER from ${account.wssUrl} within ${REGISTER_TIMEOUT_MS / 1000} s.` } });
      }
    }, REGISTER_TIMEOUT_MS);
    await registerer.register({
      requestDelegate: {
        onReject: (res) => {
          clearTimeout(this.regTimer);
          this.set({ reg: 'failed', regError: sipResponseError(res.message.statusCode ?? 0, res.message.reasonPhrase ?? '', 'register') });
        },
      },
    });
  }

  /** The PBX went away after we had been connected: retry with back-off, then register again. */
  private scheduleReconnect(ua: UserAgent, reason: string) {
    clearTimeout(this.reconnectTimer);
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnectAttempt++;
    this.set({ regError: { kind: 'ws_closed', message: `${reason} Reconnecting in ${Math.round(delay / 1000)} s…` } });
    this.reconnectTimer = setTimeout(() => {
      if (this.current !== ua) return;
      this.set({ reg: 'connecting' });
      ua.reconnect().then(
        () => {
          if (this.current !== ua || !this.registerer) return;
          this.reconnectAttempt = 0;
          this.set({ reg: 'registering' });
          void this.registerer.register({
            requestDelegate: {
              onAccept: () => this.set({ reg: 'registered', regError: undefined }),
              onReject: (res) => this.set({ reg: 'failed', regError: sipResponseError(res.message.statusCode ?? 0, res.message.reasonPhrase ?? '', 'register') }),
            },
          });
        },
        () => {
          if (this.current !== ua) return;
          this.set({ reg: 'failed' });
          this.scheduleReconnect(ua, reason);
        },
      );
    }, delay);
  }

  /**
   * Lets go of the line at once (`ua` is null from here on) and returns how to close it: unregister, then stop
   * the UserAgent. The phone hangs up its call in between.
   */
  detach(): (() => Promise<void>) | undefined {
    clearTimeout(this.regTimer);
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempt = 0;
    const ua = this.current;
    const registerer = this.registerer;
    this.current = null;
    this.registerer = null;
    if (!ua) return undefined;
    return async () => {
      this.set({ reg: 'unregistering' });
      try {
        if (registerer && registerer.state === RegistererState.Registered) await registerer.unregister();
      } catch {
        /* the transport may already be gone */
      }
      await ua.stop().catch(() => undefined);
      this.set({ reg: 'unregistered' });
    };
  }
}
