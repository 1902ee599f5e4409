/**
 * Reads everything the checks and fixes need from the PBX over one shell:
 * Asterisk CLI answers, the config files the doctor may edit, the recording
 * and media directories, and the PBX's view of the network. Every command
 * and its trimmed output is kept as evidence.
 */
import type { RemoteShell } from './ssh-session.js';
import { shellQuote } from './ssh-session.js';
import {
  parseCoreShowVersion,
  parseFwconsoleVersion,
  parseModuleShow,
  parseHttpShowStatus,
  parseAriShowUsers,
  parseAriShowStatus,
  parseDialplanShow,
  parsePjsipShowTransports,
  asteriskNotRunning,
  type AsteriskVersion,
  type ModuleTable,
  type HttpStatus,
  type AriUser,
  type AriStatus,
  type DialplanContext,
  type PjsipTransport,
} from './cli-parsers.js';
import { dialplanContextNames } from './conf-edits.js';

export interface Evidence {
  command: string;
  output: string;
}

export interface PbxPaths {
  prefix: string;
  etc: string;
  spool: string;
  sounds: string;
}

export function pbxPaths(rootPrefix = ''): PbxPaths {
  const prefix = rootPrefix.replace(/\/+$/, '');
  return { prefix, etc: `${prefix}/etc/asterisk`, spool: `${prefix}/var/spool/asterisk`, sounds: `${prefix}/var/lib/asterisk/sounds` };
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
  /** Config files by absolute path; undefined when missing. */
  files: Record<string, string | undefined>;
  confFiles: { http: string; ari: string; extensions: string };
  recording: { recording: PathKind; monitor: PathKind; realRecording: string; realMonitor: string; entries: number; recordingPath: string; monitorPath: string };
  media: { dir: string; dirExists: boolean; ownerGroup?: string; mode?: string; link: string; linkKind: PathKind; linkTarget?: string; asteriskUser: boolean };
  webrtcFiles: string[];
  certFile?: string;
  certReadable?: boolean;
  /** The workstation's address as the PBX sees it (from $SSH_CLIENT). */
  sshClientIp?: string;
}

export interface FactInputs {
  rootPrefix?: string;
  contexts: string[];
  mediaDir: string;
}

const MAX_EVIDENCE = 4000;

export function trimOutput(text: string): string {
  const t = text.replace(/\s+$/, '');
  return t.length > MAX_EVIDENCE ? `${t.slice(0, MAX_EVIDENCE)}\n… (${t.length - MAX_EVIDENCE} more characters)` : t;
}

export async function gatherFacts(shell: RemoteShell, inputs: FactInputs): Promise<PbxFacts> {
  const paths = pbxPaths(inputs.rootPrefix);
  const evidence: Record<string, Evidence> = {};
  const run = async (key: string, command: string, privileged = true) => {
    const r = await shell.exec(command, { privileged });
    const output = `${r.stdout}${r.stderr ? (r.stdout ? '\n' : '') + r.stderr : ''}`;
    evidence[key] = { command, output: trimOutput(output) };
    return output;
  };
  const cli = (key: string, cmd: string) => run(key, `asterisk -rx ${shellQuote(cmd)}`);

  const versionText = await cli('version', 'core show version');
  const asteriskRunning = !asteriskNotRunning(versionText) && /^Asterisk /m.test(versionText);
  const fw = await run('freepbx', 'if command -v fwconsole >/dev/null 2>&1; then fwconsole -V 2>&1; else echo "fwconsole: command not found"; fi');
  const freepbx = parseFwconsoleVersion(fw);

  const modules: ModuleTable = { rows: [] };
  for (const like of ['ari', 'audiosocket', 'chan_rtp', 'res_http_websocket']) {
    const t = parseModuleShow(await cli(`modules-${like}`, `module show like ${like}`));
    for (const r of t.rows) if (!modules.rows.some((x) => x.module === r.module)) modules.rows.push(r);
  }
  const http = parseHttpShowStatus(await cli('http', 'http show status'));
  const ariUsers = parseAriShowUsers(await cli('ari-users', 'ari show users'));
  const ariStatus = parseAriShowStatus(await cli('ari-status', 'ari show status'));
  const dialplan: Record<string, DialplanContext> = {};
  for (const { dialplan: name } of dialplanContextNames(inputs.contexts)) {
    dialplan[name] = parseDialplanShow(await cli(`dialplan-${name}`, `dialplan show ${name}`), name);
  }
  const transports = parsePjsipShowTransports(await cli('transports', 'pjsip show transports'));

  const confFiles = freepbx
    ? { http: `${paths.etc}/http_custom.conf`, ari: `${paths.etc}/ari_additional_custom.conf`, extensions: `${paths.etc}/extensions_custom.conf` }
    : { http: `${paths.etc}/http.conf`, ari: `${paths.etc}/ari.conf`, extensions: `${paths.etc}/extensions.conf` };
  const files: Record<string, string | undefined> = {};
  for (const f of [...new Set([...Object.values(confFiles), `${paths.etc}/http_additional.conf`, `${paths.etc}/http.conf`])]) {
    const r = await shell.exec(`cat -- ${shellQuote(f)}`, { privileged: true });
    files[f] = r.code === 0 ? r.stdout : undefined;
  }

  const R = `${paths.spool}/recording`;
  const M = `${paths.spool}/monitor`;
  const kindScript = (v: string) => `if [ -L "${v}" ]; then echo link; elif [ -d "${v}" ]; then echo dir; elif [ -e "${v}" ]; then echo other; else echo missing; fi`;
  const recOut = await run(
    'recording',
    [
      `R=${shellQuote(R)}; M=${shellQuote(M)}`,
      `echo "recording $(${kindScript('$R')}) $(readlink "$R")"`,
      `echo "monitor $(${kindScript('$M')}) $(readlink "$M")"`,
      `echo "real-recording $(readlink -f "$R")"`,
      `echo "real-monitor $(readlink -f "$M")"`,
      `echo "entries $(ls -A "$R" 2>/dev/null | wc -l)"`,
    ].join('; '),
  );
  const field = (text: string, name: string) => new RegExp(`^${name} ?(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const recording = {
    recording: field(recOut, 'recording').split(' ')[0] as PathKind,
    monitor: field(recOut, 'monitor').split(' ')[0] as PathKind,
    realRecording: field(recOut, 'real-recording'),
    realMonitor: field(recOut, 'real-monitor'),
    entries: Number(field(recOut, 'entries')) || 0,
    recordingPath: R,
    monitorPath: M,
  };

  const D = `${paths.prefix}${inputs.mediaDir}`;
  const S = `${paths.sounds}/ai-generated`;
  const mediaOut = await run(
    'media',
    [
      `D=${shellQuote(D)}; S=${shellQuote(S)}`,
      `if [ -d "$D" ]; then echo "media-dir yes $(stat -c '%U:%G %a' "$D")"; else echo "media-dir no"; fi`,
      `echo "sounds-link $(${kindScript('$S')}) $(readlink "$S")"`,
      `if id asterisk >/dev/null 2>&1; then echo "asterisk-user yes"; else echo "asterisk-user no"; fi`,
    ].join('; '),
  );
  const md = field(mediaOut, 'media-dir').split(' ');
  const sl = field(mediaOut, 'sounds-link').split(' ');
  const media = {
    dir: D,
    dirExists: md[0] === 'yes',
    ownerGroup: md[1],
    mode: md[2],
    link: S,
    linkKind: (sl[0] || 'missing') as PathKind,
    linkTarget: sl[1],
    asteriskUser: field(mediaOut, 'asterisk-user') === 'yes',
  };

  const web = await run(
    'webrtc',
    `grep -lsE '^[[:space:]]*webrtc[[:space:]]*=[[:space:]]*yes' ${shellQuote(paths.etc)}/pjsip*.conf; true`,
  );
  const webrtcFiles = web.split('\n').map((l) => l.trim()).filter(Boolean);
  const httpConfs = [files[`${paths.etc}/http.conf`], files[`${paths.etc}/http_additional.conf`], files[`${paths.etc}/http_custom.conf`]];
  let certFile: string | undefined;
  for (const t of httpConfs) {
    const m = t && /^\s*tlscertfile\s*=\s*([^;\s]+)/m.exec(t);
    if (m) certFile = m[1]!;
  }
  let certReadable: boolean | undefined;
  if (certFile) {
    const c = await run('certificate', `test -r ${shellQuote(`${paths.prefix}${certFile}`)} && echo readable || echo missing`);
    certReadable = c.trim() === 'readable';
  }
  const who = await shell.exec('echo "$SSH_CLIENT"');
  const sshClientIp = who.stdout.trim().split(/\s+/)[0] || undefined;

  return { evidence, asteriskRunning, version: parseCoreShowVersion(versionText), freepbx, modules, http, ariUsers, ariStatus, dialplan, transports, files, confFiles, recording, media, webrtcFiles, certFile, certReadable, sshClientIp };
}
