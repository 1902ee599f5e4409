/**
 * The softphone: SIP.js 0.21 Inviter/Invitation over the line that
 * registration.ts keeps registered, with state in a zustand vanilla store
 * (no React in here).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { Invitation, Inviter, SessionState, UserAgent, type Web, type Session } from 'sip.js';
import { AudioEngine, type FrameListener } from './audio-engine';
import { ring } from './ringer';
import type { CallMarks } from './sip-wire';
import { CallMedia } from './call-media';
import { Registration } from './registration';
import { mediaError, oneWayAudioError, sipResponseError } from '../logic/errors';
import { isDtmfDigit, sanitizeDialString } from '../logic/dtmf';
import type { CallInfo, PhoneAccount, PhoneState } from './types';

export class Phone {
  readonly store: StoreApi<PhoneState>;
  private account: PhoneAccount | null = null;
  /** The registration with the PBX (UserAgent, Registerer, reconnects). */
  private readonly line: Registration;
  private audioEngine: AudioEngine | null = null;
  private session: Session | null = null;
  private media: CallMedia | null = null;
  private callSeq = 0;
  private ringer: { stop(): void } | null = null;
  private readonly frameListeners = new Set<FrameListener>();
  marks: CallMarks = {};

  constructor() {
    this.store = createStore<PhoneState>()(() => ({ reg: 'unregistered', call: null, devices: { inputs: [], outputs: [] } }));
    this.line = new Registration(this.store, {
      mediaStreamFor: (constraints) => this.mediaStreamFor(constraints),
      onInvite: (inv) => this.incoming(inv),
      marks: () => this.marks,
    });
  }

  get state(): PhoneState {
    return this.store.getState();
  }

  /** The audio graph; created lazily (browsers want a user gesture first). */
  audio(): AudioEngine {
    this.audioEngine ??= new AudioEngine();
    return this.audioEngine;
  }

  private set(p: Partial<PhoneState>) {
    this.store.setState(p);
  }

  private patchCall(p: Partial<CallInfo>) {
    const c = this.state.call;
    if (c) this.set({ call: { ...c, ...p } });
  }

  async register(account: PhoneAccount): Promise<void> {
    await this.unregister();
    this.account = account;
    const uri = UserAgent.makeURI(account.sipUri);
    if (!uri) {
      this.set({ reg: 'failed', regError: { kind: 'other', message: `sipUri: "${account.sipUri}" is not a SIP URI (use sip:1001@pbx.example.com)` } });
      return;
    }
    await this.line.start(account, uri);
  }

  async unregister(): Promise<void> {
    const close = this.line.detach();
    if (this.session) await this.hangup();
    await close?.();
  }

  /** Where SIP.js gets the call's "microphone": a clone of our outbound graph's track. */
  private async mediaStreamFor(_constraints: MediaStreamConstraints): Promise<MediaStream> {
    const audio = this.audio();
    await audio.resume();
    const scripted = this.state.call?.scripted ?? false;
    if (!scripted && !audio.hasMicrophone()) {
      try {
        await audio.useMicrophone(this.state.inputId);
      } catch (err) {
        const e = mediaError(err);
        this.set({ callError: e });
        throw new Error(e.message);
      }
    }
    const track = audio.outbound.stream.getAudioTracks()[0];
    if (!track) throw new Error('audio graph has no outbound track');
    return new MediaStream([track.clone()]);
  }

  private targetUri(target: string) {
    const clean = target.startsWith('sip:') ? target : sanitizeDialString(target);
    if (!clean) return undefined;
    if (clean.startsWith('sip:')) return UserAgent.makeURI(clean);
    const domain = this.account ? (UserAgent.makeURI(this.account.sipUri)?.host ?? '') : '';
    return UserAgent.makeURI(`sip:${clean}@${domain}`);
  }

  /** Places a call. `scripted`: no microphone, the caller audio comes from audio().playIntoCall(). */
  async call(target: string, opts: { scripted?: boolean } = {}): Promise<void> {
    const ua = this.line.ua;
    if (!ua || this.state.reg !== 'registered') {
      this.set({ callError: { kind: 'other', message: 'Register first: the phone is not registered.' } });
      return;
    }
    if (this.session) return;
    const uri = this.targetUri(target);
    if (!uri) {
      this.set({ callError: { kind: 'other', message: `"${target}" is not a number, extension or SIP URI.` } });
      return;
    }
    try {
      await this.audio().resume();
    } catch (err) {
      this.set({ callError: { kind: 'other', message: (err as Error).message } });
      return;
    }
    const inviter = new Inviter(ua, uri, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    this.marks = { callId: inviter.request.callId, wire: [] };
    this.set({
      callError: undefined,
      call: { id: ++this.callSeq, direction: 'outgoing', remote: uri.user ?? target, phase: 'dialing', startedAt: Date.now(), muted: false, held: false, dtmfSent: '', scripted: !!opts.scripted },
    });
    this.attach(inviter);
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (res) => {
            if (res.message.statusCode === 180 || res.message.statusCode === 183) this.patchCall({ phase: 'ringing' });
          },
          onReject: (res) => {
            this.set({ callError: sipResponseError(res.message.statusCode ?? 0, res.message.reasonPhrase ?? '', 'call') });
          },
        },
      });
      this.marks.inviteSentAt ??= performance.now();
    } catch (err) {
      if (!this.state.callError) this.set({ callError: { kind: 'other', message: `Call failed: ${(err as Error).message}` } });
      this.finish('failed');
    }
  }

  private incoming(inv: Invitation) {
    if (this.session) {
      void inv.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    const id = inv.remoteIdentity;
    this.marks = {};
    this.set({
      callError: undefined,
      call: { id: ++this.callSeq, direction: 'incoming', remote: id.uri.user ?? id.uri.toString(), remoteName: id.displayName || undefined, phase: 'incoming', startedAt: Date.now(), muted: false, held: false, dtmfSent: '', scripted: false },
    });
    this.attach(inv);
    this.ringer = this.audioEngine ? ring(this.audioEngine) : null;
  }

  async accept(): Promise<void> {
    const s = this.session;
    if (!(s instanceof Invitation)) return;
    this.ringer?.stop();
    try {
      await this.audio().resume();
      await s.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    } catch (err) {
      if (!this.state.callError) this.set({ callError: { kind: 'other', message: `Answer failed: ${(err as Error).message}` } });
    }
  }

  async decline(): Promise<void> {
    const s = this.session;
    if (s instanceof Invitation && s.state === SessionState.Initial) await s.reject({ statusCode: 603 }).catch(() => undefined);
  }

  private attach(s: Session) {
    this.session = s;
    s.stateChange.addListener((st) => {
      if (this.session !== s) return;
      if (st === SessionState.Established) this.established(s);
      if (st === SessionState.Terminated) this.finish(this.state.call?.phase === 'established' ? 'hung up' : 'not answered');
    });
  }

  private established(s: Session) {
    this.ringer?.stop();
    this.marks.answeredAt ??= performance.now();
    this.patchCall({ phase: 'established', answeredAt: Date.now() });
    const sdh = s.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    const pc = sdh?.peerConnection;
    if (!sdh || !pc) return;
    this.media = new CallMedia(
      this.audio(),
      pc,
      sdh.remoteMediaStream,
      {
        onStats: (stats) => this.patchCall({ stats }),
        onOneWayAudio: (ms) => this.set({ callError: oneWayAudioError(ms) }),
      },
      this.state.outputId,
    );
    for (const l of this.frameListeners) this.media.onFrame(l);
    this.media.answered(this.marks.answeredAt, () => this.state.call?.held ?? false);
  }

  /** Polls getStats() now; the store's call.stats is current afterwards. */
  async refreshStats(): Promise<void> {
    await this.media?.refreshStats();
  }

  /** Remote-audio frames for the level meter and the test-call analysis (survives across calls). */
  onRemoteFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    const off = this.media?.onFrame(listener);
    return () => {
      this.frameListeners.delete(listener);
      off?.();
    };
  }

  private finish(reason: string) {
    if (!this.session && !this.state.call) return;
    this.ringer?.stop();
    this.ringer = null;
    this.media?.close();
    this.media = null;
    this.session = null;
    this.marks.endedAt = performance.now();
    const c = this.state.call;
    if (this.audioEngine && !c?.scripted) this.audioEngine.releaseMicrophone();
    this.set({ call: null, lastCall: c ? { ...c, phase: 'ended', endedAt: Date.now(), endReason: reason } : undefined });
  }

  async hangup(): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      if (s.state === SessionState.Established) await s.bye();
      else if (s instanceof Inviter) await s.cancel();
      else if (s instanceof Invitation) await s.reject();
    } catch {
      this.finish('hung up');
    }
  }

  setMute(muted: boolean): void {
    const pc = (this.session?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;
    for (const sender of pc?.getSenders() ?? []) if (sender.track) sender.track.enabled = !muted;
    this.patchCall({ muted });
  }

  async setHold(held: boolean): Promise<void> {
    const s = this.session;
    if (!s || s.state !== SessionState.Established) return;
    s.sessionDescriptionHandlerOptionsReInvite = { hold: held } as Web.SessionDescriptionHandlerOptions;
    await s.invite({
      requestDelegate: {
        onAccept: () => {
          // Like a desk phone: nothing goes out or comes in while held (mute stays as the user set it).
          const pc = (s.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;
          for (const r of pc?.getReceivers() ?? []) if (r.track) r.track.enabled = !held;
          for (const snd of pc?.getSenders() ?? []) if (snd.track) snd.track.enabled = !held && !this.state.call?.muted;
          this.patchCall({ held });
        },
        onReject: (res) => this.set({ callError: sipResponseError(res.message.statusCode ?? 0, res.message.reasonPhrase ?? '', 'call') }),
      },
    });
  }

  /** RFC 4733 through SIP.js when telephone-event was negotiated, else tones in the audio. */
  sendDtmf(digit: string): void {
    if (!isDtmfDigit(digit) || !this.session || this.session.state !== SessionState.Established) return;
    const sdh = this.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    const sender = sdh?.peerConnection?.getSenders()[0];
    const viaRtp = !!sender?.dtmf?.canInsertDTMF && !!sdh?.sendDtmf(digit, { duration: 120, interToneGap: 70 });
    if (!viaRtp) this.audio().playDtmf(digit, 120);
    const c = this.state.call;
    if (c) this.patchCall({ dtmfSent: c.dtmfSent + digit, dtmfMode: viaRtp ? 'rfc4733' : 'inband' });
  }

  async refreshDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const list = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind: MediaDeviceKind) => list.filter((d) => d.kind === kind).map((d, i) => ({ id: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
    this.set({ devices: { inputs: pick('audioinput'), outputs: pick('audiooutput') } });
  }

  async setInput(deviceId: string | undefined): Promise<void> {
    this.set({ inputId: deviceId });
    if (this.session && this.audioEngine?.hasMicrophone()) {
      try {
        await this.audioEngine.useMicrophone(deviceId);
      } catch (err) {
        this.set({ callError: mediaError(err) });
      }
    }
  }

  async setOutput(deviceId: string | undefined): Promise<void> {
    this.set({ outputId: deviceId });
    if (deviceId) await this.media?.setOutput(deviceId);
  }

  clearCallError(): void {
    this.set({ callError: undefined });
  }

  async dispose(): Promise<void> {
    await this.unregister();
    await this.audioEngine?.close();
    this.audioEngine = null;
  }
}
