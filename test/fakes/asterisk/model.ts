/**
 * The fake Asterisk's state objects and their ARI JSON shapes, as in
 * ../shared/fixtures/asterisk-22 (ari/rest/get-channel.json, post-bridges.json,
 * post-channels-play.json). Key everything by id: names are reused by Asterisk.
 */
import type { AudioSocketPeer } from './audiosocket-peer.js';
import type { RtpPeer } from './rtp-peer.js';
import type { WebSocketPeer } from './websocket-peer.js';

export const ASTERISK_ID = '02:fc:00:00:00:01';

export function ariTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export interface Dialplan {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  state: 'Down' | 'Ring' | 'Up';
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan: Dialplan;
  createdAt: number;
  vars: Map<string, string>;
  /** Stasis app the channel is in, or undefined when it runs dialplan. */
  stasisApp?: string;
  /** The app it left last (StasisEnd and the events right after still reach it). */
  lastApp?: string;
  bridgeId?: string;
  destroyed: boolean;
  /** Set by POST /continue. */
  continuedTo?: { context: string; extension: string; priority: number };
  answered: boolean;
  hangupCause?: number;
  /** Media role: the injected caller, or one of the engine's media legs. */
  role: 'caller' | 'audiosocket' | 'rtp' | 'websocket' | 'other';
  /**
   * Caller: what it streams (8 kHz PCM). `after`: silence frames or nothing once it ends; `dtx`: no frames
   * while the source is silent (all-zero frames), as a real leg with transmit_silence off; `pausedUntil`:
   * no audio until then (performance.now(); a DTMF digit being sent).
   */
  source?: { pcm: Int16Array; pos: number; after: 'silence' | 'nothing'; dtx?: boolean; loop?: boolean; pausedUntil?: number; lastAudioAt?: number };
  received?: Int16Array[];
  /** performance.now() when each `received` chunk arrived (callers made by injectCall). */
  receivedAt?: number[];
  receivedSamples?: number;
  heard?: { media: string; state: string }[];
  dtmfReceived?: string[];
  audiosocket?: AudioSocketPeer;
  rtp?: RtpPeer;
  /** chan_websocket media connection, once the app connected. */
  websocket?: WebSocketPeer;
  /** Ids used in the JSON snapshot's channelvars (ari.conf list or own vars). */
  ownVarNames?: string[];
}

export interface FakeBridge {
  id: string;
  name: string;
  type: string;
  channels: string[];
  createdAt: number;
  destroyed: boolean;
}

export interface FakePlayback {
  id: string;
  media: string;
  targetUri: string;
  state: 'queued' | 'playing' | 'done' | 'failed';
  channelId: string;
  timer?: NodeJS.Timeout;
  /** PCM the caller hears while it plays (8 kHz), if the media resolved to a file. */
  pcm?: Int16Array;
  startedAt?: number;
}

export function channelJson(ch: FakeChannel, channelvarNames: readonly string[]): Record<string, unknown> {
  const names = ch.ownVarNames ?? channelvarNames;
  const channelvars: Record<string, string> = {};
  for (const n of names) channelvars[n] = ch.vars.get(n) ?? '';
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: '',
    caller: { ...ch.caller },
    connected: { ...ch.connected },
    accountcode: '',
    dialplan: { ...ch.dialplan },
    creationtime: ariTime(ch.createdAt),
    language: 'en',
    channelvars,
  };
}

export function bridgeJson(b: FakeBridge): Record<string, unknown> {
  return {
    id: b.id,
    technology: 'simple_bridge',
    bridge_type: b.type,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: b.name,
    channels: [...b.channels],
    creationtime: ariTime(b.createdAt),
    video_mode: 'talker',
  };
}

export function playbackJson(p: FakePlayback): Record<string, unknown> {
  return { id: p.id, media_uri: p.media, target_uri: p.targetUri, language: 'en', state: p.state };
}
