/// <reference types="vite/client" />
/**
 * The far end for the softphone e2e test: a plain SIP.js UA that registers,
 * auto-answers after a known delay, plays a "greeting" tone a known time after
 * answering, and answers each burst of caller audio with a "reply" tone a known
 * time after the burst ended (measured on its own audio clock). It records
 * inbound audio levels and in-band DTMF for the test to read.
 */
import { Inviter, type Session, Registerer, RegistererState, SessionState, UserAgent, Web } from 'sip.js';
import meterWorkletUrl from '../../../renderer/src/softphone/phone/meter.worklet.ts?worker&url';
import { Segmenter } from '../../../renderer/src/softphone/logic/latency';
import { AudioEngine } from '../../../renderer/src/softphone/phone/audio-engine';
import { measurePipelineLatency } from '../../../renderer/src/softphone/phone/pipeline-latency';

const q = new URLSearchParams(location.search);
const num = (k: string, d: number) => Number(q.get(k) ?? d);
const cfg = {
  ws: q.get('ws') ?? '',
  user: q.get('user') ?? '2002',
  password: q.get('password') ?? '',
  answerDelayMs: num('answerDelayMs', 800),
  greetingDelayMs: num('greetingDelayMs', 500),
  replyDelayMs: num('replyDelayMs', 600),
  toneMs: num('toneMs', 500),
  stripTelephoneEvent: q.get('stripTelephoneEvent') === '1',
};

const state = {
  registered: false,
  invites: 0,
  answered: 0,
  ended: 0,
  established: false,
  dtmf: '',
  /** [callee audio-clock ms, rms] of inbound audio, for mute checks. */
  frames: [] as [number, number][],
  callerSegments: [] as { startMs: number; endMs: number }[],
  replies: 0,
  acceptTookMs: [] as number[],
  /** INVITE received → 200 OK sent, ms (what the caller should measure as answer time). */
  answerTookMs: [] as number[],
  /** Epoch ms (timeOrigin + now) of INVITE receipt and 200 OK sent, for cross-page debugging. */
  wire: [] as [number, number][],
  inviteWireAt: [] as number[],
  lastRejectCode: 0,
  errors: [] as string[],
  /** [scheduled start, audio clock when scheduled] of reply tones, ms. */
  tones: [] as [number, number][],
  jitterBufferMs: null as number | null,
  pipelineMs: null as number | null,
  nowMs: () => ctx.currentTime * 1000,
};
(window as unknown as { callee: typeof state }).callee = state;

const engine = new AudioEngine();
const ctx = engine.ctx;
/** Our own one-way WebRTC audio pipeline (ms); half is spent receiving, half sending. */
let halfPipe = 0;
/** When the last INVITE reached our WebSocket (performance.now()). */
let lastInviteArrival = 0;
const out = ctx.createMediaStreamDestination();
let session: Session | null = null;
let agent: UserAgent | null = null;
let segmenter: Segmenter | null = null;
let teardown: (() => void) | null = null;

function tone(freq: number, atS: number, durMs: number): { atS: number; cancel(): void } {
  const osc = ctx.createOscillator();
  const g = ctx.createGain();
  osc.frequency.value = freq;
  g.gain.value = 0.3;
  osc.connect(g).connect(out);
  osc.start(atS);
  osc.stop(atS + durMs / 1000);
  osc.onended = () => g.disconnect();
  return {
    atS,
    cancel() {
      osc.onended = null;
      osc.stop();
      g.disconnect();
    },
  };
}
/** The reply waiting to be played: more caller audio before it starts cancels it, as an agent would. */
let pendingReply: { atS: number; cancel(): void } | null = null;

const LOW = [697, 770, 852, 941];
const HIGH = [1209, 1336, 1477];
const KEYS = ['123', '456', '789', '*0#'];

async function analyse(remote: MediaStream) {
  const el = new Audio();
  el.srcObject = remote;
  el.muted = true;
  void el.play().catch(() => undefined);
  const src = ctx.createMediaStreamSource(remote);
  await ctx.audioWorklet.addModule(meterWorkletUrl).catch(() => undefined);
  const meter = new AudioWorkletNode(ctx, 'aava-meter', { channelCount: 1, channelCountMode: 'explicit' });
  const sink = ctx.createGain();
  sink.gain.value = 0;
  src.connect(meter).connect(sink).connect(ctx.destination);
  segmenter = new Segmenter({ hangoverMs: 250 }, (seg, done) => {
    if (!session || session.state !== SessionState.Established) return;
    if (!done) {
      if (pendingReply && ctx.currentTime < pendingReply.atS) {
        pendingReply.cancel();
        state.replies--;
        state.tones.pop();
      }
      pendingReply = null;
      return;
    }
    state.callerSegments.push({ ...seg });
    // Reply a known time after the caller audio ended, whatever our detection delay was.
    state.replies++;
    state.tones.push([seg.endMs + cfg.replyDelayMs, ctx.currentTime * 1000]);
    // Like an agent behind Asterisk (no jitter buffer): time the end of caller audio by packet
    // arrival, i.e. take our own playout buffer out of the detected end.
    // Likewise our receive and send pipeline: an agent behind Asterisk has neither.
    pendingReply = tone(660, (seg.endMs - (state.jitterBufferMs ?? 0) - 2 * halfPipe + cfg.replyDelayMs) / 1000, cfg.toneMs);
  });
  meter.port.onmessage = (ev: MessageEvent<[number, number, number]>) => {
    const [tMs, durMs, rms] = ev.data;
    state.frames.push([tMs, rms]);
    segmenter?.push({ tMs, durMs, rms });
  };
  // In-band DTMF: two Q.23 tones dominating the spectrum.
  const an = ctx.createAnalyser();
  an.fftSize = 4096;
  an.smoothingTimeConstant = 0;
  src.connect(an);
  const bins = new Float32Array(an.frequencyBinCount);
  const binOf = (f: number) => Math.round((f / ctx.sampleRate) * an.fftSize);
  const peak = (f: number) => Math.max(bins[binOf(f) - 1]!, bins[binOf(f)]!, bins[binOf(f) + 1]!);
  // A digit counts once: seen in 2 polls in a row, then re-armed only after 60 ms without any digit.
  let cand = '';
  let seen = 0;
  let quiet = 0;
  let armed = true;
  const timer = setInterval(() => {
    an.getFloatFrequencyData(bins);
    const lows = LOW.map(peak);
    const highs = HIGH.map(peak);
    const li = lows.indexOf(Math.max(...lows));
    const hi = highs.indexOf(Math.max(...highs));
    const ok = lows[li]! > -60 && highs[hi]! > -60 && lows.filter((v) => v > lows[li]! - 15).length === 1 && highs.filter((v) => v > highs[hi]! - 15).length === 1;
    const key = ok ? KEYS[li]![hi]! : '';
    if (key) {
      quiet = 0;
      seen = key === cand ? seen + 1 : 1;
      cand = key;
      if (seen >= 2 && armed) {
        state.dtmf += key;
        armed = false;
      }
    } else if (++quiet >= 3) {
      armed = true;
      cand = '';
      seen = 0;
    }
  }, 20);
  teardown = () => {
    clearInterval(timer);
    meter.port.onmessage = null;
    src.disconnect();
    meter.disconnect();
    sink.disconnect();
    el.srcObject = null;
  };
}

function track(sess: Session) {
  sess.stateChange.addListener((s) => {
    if (s === SessionState.Established) {
      state.established = true;
      const sdh = sess.sessionDescriptionHandler as Web.SessionDescriptionHandler;
      void analyse(sdh.remoteMediaStream).catch((e: Error) => state.errors.push(e.message));
      let prev = { d: 0, n: 0 };
      const poll = setInterval(() => {
        const pc = sdh.peerConnection;
        if (!pc) return clearInterval(poll);
        void pc.getStats().then((r) =>
          r.forEach((x: { type: string; kind?: string; jitterBufferDelay?: number; jitterBufferEmittedCount?: number }) => {
            if (x.type === 'inbound-rtp' && x.kind === 'audio' && x.jitterBufferEmittedCount) {
              // Over the last interval: the buffer adapts, a call average lags behind.
              const dn = x.jitterBufferEmittedCount - prev.n;
              if (dn > 0) state.jitterBufferMs = (1000 * (x.jitterBufferDelay! - prev.d)) / dn;
              prev = { d: x.jitterBufferDelay!, n: x.jitterBufferEmittedCount };
            }
          }),
        );
      }, 250);
    }
    if (s === SessionState.Terminated) {
      state.established = false;
      state.ended++;
      segmenter = null;
      teardown?.();
      teardown = null;
    }
  });
}

async function start() {
  await ctx.resume();
  const pipe = await measurePipelineLatency(engine);
  state.pipelineMs = pipe?.pipelineMs ?? null;
  halfPipe = (pipe?.pipelineMs ?? 0) / 2;
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${cfg.user}@127.0.0.1`)!,
    transportOptions: { server: cfg.ws },
    authorizationUsername: cfg.user,
    authorizationPassword: cfg.password,
    logLevel: 'error',
    // sendNothing: no local track at all, so the answer is recvonly and no RTP ever comes back.
    sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(async () => (mode.sendNothing ? new MediaStream() : new MediaStream([out.stream.getAudioTracks()[0]!.clone()]))),
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 },
    delegate: {
      onInvite(inv) {
        state.invites++;
        session = inv;
        track(inv);
        // An agent's answer delay counts from the INVITE's arrival, not from when our JS got to it.
        const invitedAt = lastInviteArrival || performance.now();
        setTimeout(async () => {
          const t0 = performance.now();
          try {
            const modifiers = mode.stripTelephoneEvent ? [Web.stripTelephoneEvent] : [];
            await inv.accept({
              sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
              ...(modifiers.length ? { sessionDescriptionHandlerModifiers: modifiers } : {}),
            });
            state.acceptTookMs.push(performance.now() - t0);
            state.answerTookMs.push(performance.now() - invitedAt);
            state.wire.push([performance.timeOrigin + invitedAt, performance.timeOrigin + performance.now()]);
            state.answered++;
            tone(440, ctx.currentTime + (cfg.greetingDelayMs - halfPipe) / 1000, cfg.toneMs);
          } catch (e) {
            state.errors.push((e as Error).message);
          }
        }, Math.max(0, cfg.answerDelayMs - (performance.now() - invitedAt)));
      },
    },
  });
  const t = ua.transport;
  const onMessage = t.onMessage;
  t.onMessage = (msg: string) => {
    if (msg.startsWith('INVITE ')) {
      lastInviteArrival = performance.now();
      state.inviteWireAt.push(performance.timeOrigin + lastInviteArrival);
    }
    onMessage?.(msg);
  };
  agent = ua;
  await ua.start();
  const reg = new Registerer(ua);
  reg.stateChange.addListener((s) => {
    state.registered = s === RegistererState.Registered;
  });
  await reg.register();
}

/**
 * Per-call behaviour the test can switch: `sendNothing` answers without a track (one-way audio);
 * `stripTelephoneEvent` answers without RFC 4733 so DTMF must come in-band (which we can hear).
 */
const mode = { sendNothing: false, stripTelephoneEvent: cfg.stripTelephoneEvent };

/** Calls `target` (the softphone) — for the incoming-call test. */
async function dial(target: string) {
  if (!agent) throw new Error('callee not started');
  const inviter = new Inviter(agent, UserAgent.makeURI(`sip:${target}@127.0.0.1`)!, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  session = inviter;
  track(inviter);
  await inviter.invite({ requestDelegate: { onReject: (r) => void (state.lastRejectCode = r.message.statusCode ?? 0) } });
}
async function hangup() {
  if (session?.state === SessionState.Established) await session.bye();
}
Object.assign(window, { calleeDial: dial, calleeHangup: hangup, calleeMode: mode });

document.getElementById('start')!.addEventListener('click', () => {
  start().catch((e: Error) => state.errors.push(e.message));
});
