/**
 * The one media contract that every transport implements (AudioSocket, RTP,
 * WebSocket media). A transport is a long-lived listener (or, for WebSocket
 * media, a client of the PBX's own HTTP server); a leg is one call's media
 * path. Wire formats: slin 8 kHz (320 B / 20 ms), slin16 (640 B), µ-law 8 kHz (160 B).
 *
 * ## The inbound clock (what a transport must do, and what it gets)
 *
 * Real PBX legs go quiet without sending frames (transmit_silence off, DTX, a
 * two-party bridge whose peer is silent), deliver late frames in bursts, and
 * end prompts with a short frame. A transport does not deal with any of that:
 * its legs own an `InboundClock` (inbound-clock.ts) on the engine's one
 * `FrameScheduler` (AudioSocket and RTP through `PacedLeg`, paced-leg.ts;
 * WebSocket media in websocket-leg.ts), and push every raw arrival with
 * **one call**:
 *
 * ```ts
 * leg.arrive(payload);                    // as the bytes come off the socket (stamped on the media clock)
 * leg.arrive(payload, at, gapFrames);     // optional: slots the sender skipped (RTP timestamps)
 * leg.arrive(undefined, at);              // optional: a slot known to be lost (RTP sequence gap)
 * ```
 *
 * The leg's inbound clock then emits `audio` exactly once
 * per 20 ms slot from the first arrival (or `startInbound()`, called when the
 * conversation starts) to close: the real frame on arrival (never held), or a
 * synthesized silent frame (`synthesized: true`) once the slot is
 * INBOUND_JITTER_MS overdue. A late burst whose slots were already
 * synthesized is never counted twice (frames beyond INBOUND_MAX_LEAD_MS ahead
 * of the clock are dropped against those slots). Every frame is
 * exactly one frame long (short ones padded). Downstream (voice activity,
 * barge-in, providers, statistics) therefore sees a continuous stream and
 * keeps no notion of "no frames". Synthesized frames are counted per tick in
 * `ai_agent_inbound_fill_frames_total{transport}` through the transport's
 * `onInboundFills` option.
 *
 * Outbound, AudioSocket and RTP legs pace `enqueue()`d audio on the same
 * scheduler at one frame per tick. Asterisk's chan_websocket plays from its
 * own 20 ms queue, so a WebSocket leg keeps only ~100 ms queued there
 * (flow control, marks: websocket/outbound-flow.ts); its `firstFrameOut` and
 * `drained` are the moments the caller began and finished hearing a burst
 * (MEDIA_MARK_PROCESSED), not the moments it was sent.
 */
import type { AudioFormat } from './audio-format.js';
import type { TransportHealth } from '../api/health.js';
import type { TransportKind } from '../api/calls.js';
import type { TypedEmitter } from '../util/typed-emitter.js';
import type { Alarm, FrameScheduler } from './pacer.js';

export interface MediaLegEvents extends Record<string, unknown> {
  /**
   * One clocked inbound frame in the wire format, exactly one frame long. `at` is performance.now()
   * on arrival (real) or when the clock synthesized it (`synthesized`: silence for a slot nothing filled).
   * The payload object may be reused for the next frame (no allocation per frame): read its fields, don't keep it.
   */
  audio: { frame: Buffer; at: number; synthesized: boolean };
  dtmf: { digit: string };
  /** Outbound queue ran empty after audio had been queued (WebSocket: the caller heard the last of it). */
  drained: undefined;
  /**
   * First outbound frame of a burst went onto the wire (latency accounting). A transport that learns when
   * the caller began to hear it reports that moment instead (WebSocket, from a MEDIA_MARK_PROCESSED).
   */
  firstFrameOut: { at: number };
  /** Optional: the caller finished hearing an utterance (end marked with markEndOfBurst); WebSocket only. */
  heard: { at: number };
  closed: { reason: 'remote_hangup' | 'local' | 'error'; error?: Error };
}

/** The engine's media clock as a call sees it (the shared FrameScheduler). */
export interface MediaClock {
  /** Monotonic ms (performance.now()). */
  now(): number;
  /** A one-shot deadline serviced by the shared timer, after pending socket reads (no timer per call). */
  alarm(fire: (now: number) => void): Alarm;
}

export interface MediaLeg {
  readonly kind: TransportKind;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events: TypedEmitter<MediaLegEvents>;
  readonly clock: MediaClock;
  /** Starts the inbound clock now if no frame has started it yet (the conversation begins). */
  startInbound(): void;
  /** Queue outbound audio in the wire format; it plays at one frame per 20 ms (paced by the leg, or for WebSocket media by Asterisk's own queue). */
  enqueue(audio: Buffer): void;
  /**
   * The producer says no more audio follows for now, so the queue plays out
   * without waiting for the prebuffer (a partial last frame is padded with silence).
   * Without it, a burst shorter than the prebuffer starts once no audio arrived for max(prebufferMs, 40 ms).
   */
  markEndOfBurst?(): void;
  /** Drop everything queued (barge-in). Returns the number of ms dropped. */
  flush(): number;
  /** ms of audio queued and not yet sent. */
  queuedMs(): number;
  /** Resolves when the outbound queue is empty (immediately if it already is). */
  whenDrained(): Promise<void>;
  /** The last agent frame put on the wire (not silence filler), for level meters. */
  lastFrameOut(): { frame: Buffer; at: number } | undefined;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** What the call controller passes to POST /channels/externalMedia. */
export interface ExternalMediaParams {
  /** AudioSocket/RTP: where Asterisk connects or sends. WebSocket in server mode has none: '' (not sent). */
  external_host: string;
  encapsulation: 'audiosocket' | 'rtp' | 'none';
  transport: 'tcp' | 'udp' | 'websocket';
  /** WebSocket: `server` = Asterisk accepts the app's connection on its own HTTP server. */
  connection_type?: 'server';
  format: 'slin' | 'slin16' | 'ulaw';
  direction?: 'both';
  /** AudioSocket: the UUID (required by Asterisk). */
  data?: string;
  /** WebSocket: appended to the dial string, e.g. `f(json)` for JSON control messages. */
  transport_data?: string;
}

/** The parts of the externalMedia REST response a pending leg may need. */
export interface MediaChannelInfo {
  id: string;
  channelvars?: Record<string, string>;
}

export interface PendingLeg {
  readonly id: string;
  readonly externalMedia: ExternalMediaParams;
  /** AudioSocket only: `AudioSocket/<host>:<port>/<uuid>/c(slin)` for POST /channels on older Asterisk. */
  readonly originateEndpoint?: string;
  /** Resolves when Asterisk's side connects (UUID frame / first RTP packet). */
  readonly connected: Promise<MediaLeg>;
  /** Give up (e.g. externalMedia failed): frees the port/uuid. */
  cancel(reason?: string): void;
  /** RTP: lock the remote address learned from UNICASTRTP_LOCAL_ADDRESS/PORT before the first packet. */
  setRemoteHint?(host: string, port: number): void;
  /**
   * WebSocket: the externalMedia response (with MEDIA_WEBSOCKET_CONNECTION_ID in channelvars); the leg
   * connects to the PBX at once, since the channel stays Down and un-bridgeable until it does.
   */
  mediaChannelCreated?(channel: MediaChannelInfo): void;
}

export interface MediaTransport {
  readonly kind: TransportKind;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): TransportHealth;
  allocate(callId: string): Promise<PendingLeg>;
  /** Counts of open resources, for leak tests. */
  stats(): { legs: number; pending: number; sockets: number; ports: number };
}

/** Options every transport takes besides its own (the call service passes the same to each). */
export interface TransportCommonOptions {
  /** The engine's one media clock, shared by every transport (by default a transport makes its own). */
  scheduler?: FrameScheduler;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  /** Synthesized inbound frames, summed per scheduler tick (one call per tick at most). */
  onInboundFills?: (frames: number) => void;
}
