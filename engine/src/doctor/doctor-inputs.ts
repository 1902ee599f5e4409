/**
 * What the doctor needs to know about the app's side: the ARI address and
 * user it will use, the contexts to route, the transports and their
 * advertised addresses, and the media dir. Built from the running config
 * (service) or from flags and an optional config file (CLI).
 */
import type { AgentConfig } from '../config/schema.js';
import type { CheckResult, CheckStatus } from '../api/doctor.js';
import type { Evidence } from './remote-batch.js';
import type { TransportKind } from '../api/calls.js';
import { resolveConnection } from '../recordings/recordings-settings.js';

const withoutSame = <T extends { sameAsEngine?: boolean }>({ sameAsEngine: _s, ...rest }: T): Omit<T, 'sameAsEngine'> => rest;

export interface DoctorInputs {
  rootPrefix?: string;
  sshHost: string;
  appName: string;
  contexts: string[];
  ari: { host: string; port: number; scheme: 'http' | 'https'; username?: string; password?: string };
  /** Present when recordings sync is enabled. */
  recordings?: { host: string; port: number; tls: boolean; username: string; password: string; trustFingerprint?: string };
  transport: TransportKind;
  /** `ports`: how many consecutive ports from `port` (one per media worker, `audiosocket.media_workers`), default 1. */
  audiosocket: { advertiseHost: string; port: number; ports?: number };
  rtp: { advertiseHost: string; start: number; end: number };
  /** Media dir as seen on the PBX. */
  mediaDir: string;
  /** downstream_mode "file" needs the media dir; "stream" does not. */
  fileMode: boolean;
  /** How long to wait for the PBX's UDP datagram (ms). */
  udpWaitMs?: number;
  /** The softphone's SIP user (its endpoint is checked for WebRTC first). */
  softphoneEndpoint?: string;
  /** The voicemail tool's dialplan target (issue 17). */
  voicemail?: VoicemailInputs;
}

/** The voicemail tool's dialplan target, and whether any context uses the tool. */
export interface VoicemailInputs {
  used: boolean;
  context: string;
  extension: string;
  priority: number;
}

function voicemailInputs(cfg: AgentConfig): VoicemailInputs {
  const t = cfg.tools.voicemail;
  return { used: Object.values(cfg.contexts).some((c) => c.tools.includes('voicemail')), context: t.context, extension: t.extension, priority: t.priority };
}

export function inputsFromConfig(cfg: AgentConfig, sshHost: string, rootPrefix?: string): DoctorInputs {
  const rec = cfg.recordings;
  return {
    rootPrefix,
    sshHost,
    appName: cfg.asterisk.app_name,
    contexts: Object.keys(cfg.contexts),
    ari: { host: cfg.asterisk.host, port: cfg.asterisk.port, scheme: cfg.asterisk.scheme, username: cfg.asterisk.username, password: cfg.asterisk.password || undefined },
    recordings: rec.enabled ? { ...withoutSame(resolveConnection({}, rec, cfg.asterisk, undefined)), ...(rec.trust_fingerprint ? { trustFingerprint: rec.trust_fingerprint } : {}) } : undefined,
    transport: cfg.audio_transport,
    audiosocket: { advertiseHost: cfg.audiosocket.advertise_host, port: cfg.audiosocket.port, ports: Math.max(1, cfg.audiosocket.media_workers) },
    rtp: { advertiseHost: cfg.external_media.advertise_host, start: cfg.external_media.port_range.start, end: cfg.external_media.port_range.end },
    mediaDir: cfg.media_dir,
    fileMode: cfg.downstream_mode === 'file',
    voicemail: voicemailInputs(cfg),
  };
}

/** Defaults for the CLI without a config file: the PBX's own ARI on 8088, no credentials. */
export function defaultInputs(sshHost: string, rootPrefix?: string): DoctorInputs {
  return {
    rootPrefix,
    sshHost,
    appName: 'asterisk-ai-voice-agent',
    contexts: [],
    ari: { host: sshHost, port: 8088, scheme: 'http' },
    transport: 'audiosocket',
    audiosocket: { advertiseHost: '127.0.0.1', port: 8090 },
    rtp: { advertiseHost: '127.0.0.1', start: 18080, end: 18099 },
    mediaDir: '/mnt/asterisk_media/ai-generated',
    fileMode: false,
  };
}

/** Fix ids (FixPlan.id). */
export const FIX = {
  loadModules: 'load-modules',
  httpBind: 'http-bind',
  ariUser: 'ari-user',
  recordingDir: 'recording-dir',
  mediaDir: 'media-dir',
  dialplan: 'dialplan-contexts',
  firewallTrust: 'firewall-trust',
  voicemail: 'voicemail-target',
} as const;

export function check(
  id: string,
  title: string,
  status: CheckStatus,
  evidence: (Evidence | undefined)[],
  fix?: string,
  fixIds?: string[],
): CheckResult {
  const r: CheckResult = { id, title, status, evidence: evidence.filter((e): e is Evidence => !!e) };
  if (fix) r.fix = fix;
  if (fixIds?.length && status !== 'pass' && status !== 'skip') r.fixIds = fixIds;
  return r;
}
