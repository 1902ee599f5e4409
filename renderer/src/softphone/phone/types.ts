/** Phone state as the page renders it (a zustand vanilla store owned by Phone). */
import type { PhoneError } from '../logic/errors';
import type { CallStats } from '../logic/stats';

export interface PhoneAccount {
  wssUrl: string;
  sipUri: string;
  authUser: string;
  password: string;
  displayName: string;
  iceServers: { urls: string; username?: string; credential?: string }[];
}

export type RegState = 'unregistered' | 'connecting' | 'registering' | 'registered' | 'unregistering' | 'failed';
export type CallPhase = 'dialing' | 'ringing' | 'incoming' | 'established' | 'ended';

export interface CallInfo {
  id: number;
  direction: 'outgoing' | 'incoming';
  remote: string;
  remoteName?: string;
  phase: CallPhase;
  /** Epoch ms. */
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  muted: boolean;
  held: boolean;
  dtmfSent: string;
  /** How the last digit went out: RTP events (RFC 4733) or tones in the audio. */
  dtmfMode?: 'rfc4733' | 'inband';
  stats?: CallStats;
  /** Scripted (test-call) audio instead of the microphone. */
  scripted: boolean;
  endReason?: string;
}

export interface AudioDevices {
  inputs: { id: string; label: string }[];
  outputs: { id: string; label: string }[];
}

export interface PhoneState {
  reg: RegState;
  regError?: PhoneError;
  call: CallInfo | null;
  lastCall?: CallInfo;
  callError?: PhoneError;
  devices: AudioDevices;
  inputId?: string;
  outputId?: string;
}
