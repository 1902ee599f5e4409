/**
 * Pure parsers for what Asterisk says about itself rather than what the
 * doctor guesses: `core show settings` (the directories from asterisk.conf)
 * and `pjsip show endpoints` / `pjsip show endpoint <id>` (WebRTC, DTLS, ICE
 * as Asterisk applied them). Shapes follow Asterisk's CLI source: the
 * directories block of main/asterisk.c and res_pjsip's sorcery object-set
 * printer (" <name padded> : <value>").
 */

/** The directories Asterisk runs with (asterisk.conf [directories]). */
export interface AsteriskDirs {
  /** astetcdir: where the config files are. */
  configDir?: string;
  /** astspooldir: recording/ and monitor/ live under it. */
  spoolDir?: string;
  /** astvarlibdir. */
  varLibDir?: string;
  /** astdatadir: sounds/ lives under it. */
  dataDir?: string;
}

const DIR_LINES: [RegExp, keyof AsteriskDirs][] = [
  [/^\s*Configuration directory:\s*(\S.*?)\s*$/m, 'configDir'],
  [/^\s*Spool directory:\s*(\S.*?)\s*$/m, 'spoolDir'],
  [/^\s*VarLib directory:\s*(\S.*?)\s*$/m, 'varLibDir'],
  [/^\s*Data directory:\s*(\S.*?)\s*$/m, 'dataDir'],
];

/** Parses the "* Directories" block of `core show settings`; empty when the answer is something else. */
export function parseCoreShowSettings(text: string): AsteriskDirs {
  const dirs: AsteriskDirs = {};
  if (!/PBX Core settings/.test(text)) return dirs;
  for (const [re, key] of DIR_LINES) {
    const m = re.exec(text);
    if (m && m[1]!.startsWith('/')) dirs[key] = m[1]!.replace(/\/+$/, '') || '/';
  }
  return dirs;
}

/** Endpoint ids from `pjsip show endpoints` (the " Endpoint:  <id>[/<callerid>]  <state> …" lines). */
export function parsePjsipShowEndpoints(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*Endpoint:\s+(\S+)/.exec(line);
    if (!m || m[1]!.startsWith('<')) continue;
    const id = m[1]!.split('/')[0]!;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

export interface PjsipEndpointDetail {
  id: string;
  /** Parameter name → value as printed (lower-case names). */
  params: Record<string, string>;
}

/** Parses `pjsip show endpoint <id>`; undefined for "Unable to find object …" or anything without parameters. */
export function parsePjsipShowEndpoint(text: string, id: string): PjsipEndpointDetail | undefined {
  if (/Unable to find object/.test(text)) return undefined;
  const params: Record<string, string> = {};
  let inParams = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*ParameterName\s*:\s*ParameterValue/.test(line)) {
      inParams = true;
      continue;
    }
    if (!inParams || /^\s*=+\s*$/.test(line)) continue;
    const m = /^\s*([A-Za-z0-9_.]+)\s+:\s?(.*)$/.exec(line);
    if (m) params[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  return Object.keys(params).length ? { id, params } : undefined;
}

/** Sorcery prints yes/no options as "yes"/"no" and booleans as "true"/"false". */
export function truthy(value: string | undefined): boolean {
  return /^(yes|true|on|1)$/i.test(value ?? '');
}

export interface WebrtcVerdict {
  webrtc: boolean;
  dtls: boolean;
  ice: boolean;
  avpf: boolean;
  /** A DTLS certificate: a dtls_cert_file, or one Asterisk generates. */
  certificate: boolean;
}

/** What an endpoint needs for a browser softphone, judged from Asterisk's own view of it. */
export function judgeWebrtcEndpoint(e: PjsipEndpointDetail): WebrtcVerdict {
  const p = e.params;
  return {
    webrtc: truthy(p.webrtc),
    dtls: (p.media_encryption ?? '').toLowerCase() === 'dtls',
    ice: truthy(p.ice_support),
    avpf: truthy(p.use_avpf),
    certificate: !!p.dtls_cert_file || truthy(p.dtls_auto_generate_cert),
  };
}
