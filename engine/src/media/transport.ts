/**
 * The one media contract that every transport implements (AudioSocket, RTP).
 * A transport is a long-lived listener; a leg is one call's media path.
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
  /** Outbound queue ran empty after audio had been queued. */
  drained: undefined;
  /** First outbound frame of a burst went onto the wire (latency accounting). */
  firstFrameOut: { at: number };
  closed: { reason: 'remote_hangup' | 'local' | 'error'; error?: Error };
}

export interface MediaLeg {
  readonly kind: TransportKind;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events: TypedEmitter<MediaLegEvents>;
  /** Queue outbound audio in the wire format; the leg paces it at one frame per 20 ms. */
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
  external_host: string;
  encapsulation: 'audiosocket' | 'rtp';
  transport: 'tcp' | 'udp';
  format: 'slin' | 'slin16' | 'ulaw';
  direction?: 'both';
  /** AudioSocket: the UUID (required by Asterisk). */
  data?: string;
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
