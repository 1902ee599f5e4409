/**
 * What the doctor knows about the PBX (read by gather-facts.ts) and where its
 * directories are: Asterisk's own (`core show settings`) under the root
 * prefix, or Asterisk's defaults when it could not say.
 */
import type { AsteriskVersion, ModuleTable, HttpStatus, AriUser, AriStatus, DialplanContext, PjsipTransport } from './cli-parsers.js';
import type { AsteriskDirs, PjsipEndpointDetail } from './cli-parsers-settings.js';

import type { Evidence } from './remote-batch.js';

export type { Evidence };

/** The PBX's directories as the SSH shell sees them (root prefix + what Asterisk reported, or its defaults). */
export interface PbxPaths {
  prefix: string;
  /** astetcdir */
  etc: string;
  /** astspooldir */
  spool: string;
  /** astdatadir/sounds */
  sounds: string;
}

const DEFAULT_DIRS: Required<Pick<AsteriskDirs, 'configDir' | 'spoolDir' | 'dataDir'>> = {
  configDir: '/etc/asterisk',
  spoolDir: '/var/spool/asterisk',
  dataDir: '/var/lib/asterisk',
};

export function pbxPaths(rootPrefix = '', dirs: AsteriskDirs = {}): PbxPaths {
  const prefix = rootPrefix.replace(/\/+$/, '');
  return {
    prefix,
    etc: `${prefix}${dirs.configDir ?? DEFAULT_DIRS.configDir}`,
    spool: `${prefix}${dirs.spoolDir ?? DEFAULT_DIRS.spoolDir}`,
    sounds: `${prefix}${dirs.dataDir ?? DEFAULT_DIRS.dataDir}/sounds`,
  };
}

export type PathKind = 'dir' | 'link' | 'missing' | 'other';

export interface PbxFacts {
  evidence: Record<string, Evidence>;
  asteriskRunning: boolean;
  version?: AsteriskVersion;
  freepbx?: string;
  modules: ModuleTable;
  http?: HttpStatus;
  ariUsers: AriUser[];
  ariStatus?: AriStatus;
  dialplan: Record<string, DialplanContext>;
  transports: PjsipTransport[];
  /** What `core show settings` reported (empty when it could not be read: the defaults apply). */
  dirs: AsteriskDirs;
  /** Where the doctor reads and writes, from `dirs`. */
  paths: PbxPaths;
  /** Endpoint ids from `pjsip show endpoints`. */
  endpoints: string[];
  /** The first endpoint (the softphone's first) whose `pjsip show endpoint` says webrtc: yes. */
  webrtcEndpoint?: PjsipEndpointDetail;
  /** Config files by absolute path; undefined when missing. */
  files: Record<string, string | undefined>;
  confFiles: { http: string; ari: string; extensions: string };
  recording: { recording: PathKind; monitor: PathKind; realRecording: string; realMonitor: string; entries: number; recordingPath: string; monitorPath: string };
  media: { dir: string; dirExists: boolean; ownerGroup?: string; mode?: string; link: string; linkKind: PathKind; linkTarget?: string; asteriskUser: boolean };
  /** The workstation's address as the PBX sees it (from $SSH_CLIENT). */
  sshClientIp?: string;
}

export interface FactInputs {
  rootPrefix?: string;
  contexts: string[];
  mediaDir: string;
  /** The softphone's SIP user: its endpoint is looked at first for webrtc. */
  softphoneEndpoint?: string;
}
