/**
 * The one media contract that every transport implements (AudioSocket, RTP,
 * WebSocket). A transport is a long-lived listener (or, for WebSocket, a
 * client of the PBX's HTTP server); a leg is one call's media path.
 * Wire formats: slin 8 kHz (320 B / 20 ms), slin16 (640 B), µ-law 8 kHz (160 B).
 */
import type { AudioFormat } from './audio-format.js';
import type { TransportHealth } from '../api/health.js';
import type { TransportKind } from '../api/calls.js';
import type { TypedEmitter } from '../util/typed-emitter.js';

export interface MediaLegEvents extends Record<string, unknown> {
  /** One inbound frame in the wire format; `at` is performance.now() on arrival. */
  audio: { frame: Buffer; at: number };
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

export interface MediaLeg {
  readonly kind: TransportKind;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events: TypedEmitter<MediaLegEvents>;
  /** Queue outbound audio in the wire format; it plays at one frame per 20 ms (paced by the leg, or for WebSocket by Asterisk's own queue). */
  enqueue(audio: Buffer): void;
  /**
   * Optional: the producer says no more audio follows for now, so the queue plays out
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
