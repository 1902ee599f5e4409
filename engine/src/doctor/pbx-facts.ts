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

const MARK = '@@AAVA';

/** Runs many commands in one exec (one SSH round trip, one sudo); each item's output and exit code come back separately. */
export async function runBatch(
  shell: RemoteShell,
  items: { key: string; command: string }[],
  privileged: boolean,
  opts: { stopOnError?: boolean; timeoutMs?: number } = {},
): Promise<Record<string, { output: string; code: number }>> {
  const stop = opts.stopOnError ? '; [ $rc -eq 0 ] || exit $rc' : '';
  const script = items.map(({ key, command }) => `echo '${MARK}>${key}'; ( ${command} ) 2>&1; rc=$?; printf '\\n${MARK}<%s %d\\n' '${key}' $rc${stop}`).join('\n');
  const r = await shell.exec(script, { privileged, timeoutMs: opts.timeoutMs ?? 60_000 });
  const out: Record<string, { output: string; code: number }> = {};
  let key: string | undefined;
  let buf: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (key === undefined) {
      if (line.startsWith(`${MARK}>`)) {
        key = line.slice(MARK.length + 1);
        buf = [];
      }
      continue;
    }
    const end = new RegExp(`^${MARK}<(\\S+) (\\d+)$`).exec(line);
    if (end && end[1] === key) {
      // printf added exactly one newline before the marker.
      out[key] = { output: buf.join('\n'), code: Number(end[2]) };
      key = undefined;
    } else buf.push(line);
  }
  if (!Object.keys(out).length && r.code !== 0 && items.length) throw new Error(`PBX commands failed (exit ${r.code}): ${trimOutput(r.stderr || r.stdout)}`);
  return out;
}

export async function gatherFacts(shell: RemoteShell, inputs: FactInputs): Promise<PbxFacts> {
  const paths = pbxPaths(inputs.rootPrefix);
  const evidence: Record<string, Evidence> = {};
  const items: { key: string; command: string }[] = [];
  const cli = (key: string, cmd: string) => items.push({ key, command: `asterisk -rx ${shellQuote(cmd)}` });
  cli('version', 'core show version');
  items.push({ key: 'freepbx', command: 'if command -v fwconsole >/dev/null 2>&1; then fwconsole -V 2>&1; else echo "fwconsole: command not found"; fi' });
  const likes = ['ari', 'audiosocket', 'chan_rtp', 'res_http_websocket'];
  for (const like of likes) cli(`modules-${like}`, `module show like ${like}`);
  cli('http', 'http show status');
  cli('ari-users', 'ari show users');
  cli('ari-status', 'ari show status');
  const contexts = dialplanContextNames(inputs.contexts).map((c) => c.dialplan);
  for (const name of contexts) cli(`dialplan-${name}`, `dialplan show ${name}`);
  cli('transports', 'pjsip show transports');
  const candidates = ['http_custom.conf', 'ari_additional_custom.conf', 'extensions_custom.conf', 'http.conf', 'ari.conf', 'extensions.conf', 'http_additional.conf'].map((f) => `${paths.etc}/${f}`);
  candidates.forEach((f, i) => items.push({ key: `file${i}`, command: `cat -- ${shellQuote(f)}` }));

  const R = `${paths.spool}/recording`;
  const M = `${paths.spool}/monitor`;
  const kindScript = (v: string) => `if [ -L "${v}" ]; then echo link; elif [ -d "${v}" ]; then echo dir; elif [ -e "${v}" ]; then echo other; else echo missing; fi`;
  items.push({
    key: 'recording',
    command: [
      `R=${shellQuote(R)}; M=${shellQuote(M)}`,
      `echo "recording $(${kindScript('$R')}) $(readlink "$R")"`,
      `echo "monitor $(${kindScript('$M')}) $(readlink "$M")"`,
      `echo "real-recording $(readlink -f "$R")"`,
      `echo "real-monitor $(readlink -f "$M")"`,
      `echo "entries $(ls -A "$R" 2>/dev/null | wc -l)"`,
    ].join('; '),
  });
  const D = `${paths.prefix}${inputs.mediaDir}`;
  const S = `${paths.sounds}/ai-generated`;
  items.push({
    key: 'media',
    command: [
      `D=${shellQuote(D)}; S=${shellQuote(S)}`,
      `if [ -d "$D" ]; then echo "media-dir yes $(stat -c '%U:%G %a' "$D")"; else echo "media-dir no"; fi`,
      `echo "sounds-link $(${kindScript('$S')}) $(readlink "$S")"`,
      `if id asterisk >/dev/null 2>&1; then echo "asterisk-user yes"; else echo "asterisk-user no"; fi`,
    ].join('; '),
  });
  const etcFiles = ['http.conf', 'http_additional.conf', 'http_custom.conf'].map((f) => shellQuote(`${paths.etc}/${f}`)).join(' ');
  items.push({
    key: 'certificate',
    command: `c=$(cat ${etcFiles} 2>/dev/null | sed -n 's/^[[:space:]]*tlscertfile[[:space:]]*=[[:space:]]*\\([^;[:space:]]*\\).*/\\1/p' | tail -n 1); if [ -z "$c" ]; then echo "no tlscertfile"; elif [ -r ${shellQuote(paths.prefix)}"$c" ]; then echo "readable $c"; else echo "missing $c"; fi`,
  });
  items.push({ key: 'client', command: 'echo "client $SSH_CLIENT"' });
  items.push({ key: 'webrtc', command: `grep -lsE '^[[:space:]]*webrtc[[:space:]]*=[[:space:]]*yes' ${shellQuote(paths.etc)}/pjsip*.conf; true` });

  const got = await runBatch(shell, items, true);
  const text = (key: string) => got[key]?.output ?? '';
  for (const it of items) if (!it.key.startsWith('file')) evidence[it.key] = { command: it.command, output: trimOutput(text(it.key)) };

  const versionText = text('version');
  const asteriskRunning = !asteriskNotRunning(versionText) && /^Asterisk /m.test(versionText);
  const freepbx = parseFwconsoleVersion(text('freepbx'));
  const modules: ModuleTable = { rows: [] };
  for (const like of likes) {
    for (const r of parseModuleShow(text(`modules-${like}`)).rows) if (!modules.rows.some((x) => x.module === r.module)) modules.rows.push(r);
  }
  const http = parseHttpShowStatus(text('http'));
  const ariUsers = parseAriShowUsers(text('ari-users'));
  const ariStatus = parseAriShowStatus(text('ari-status'));
  const dialplan: Record<string, DialplanContext> = {};
  for (const name of contexts) dialplan[name] = parseDialplanShow(text(`dialplan-${name}`), name);
  const transports = parsePjsipShowTransports(text('transports'));
  const files: Record<string, string | undefined> = {};
  candidates.forEach((f, i) => (files[f] = got[`file${i}`]?.code === 0 ? got[`file${i}`]!.output : undefined));
  const confFiles = freepbx
    ? { http: `${paths.etc}/http_custom.conf`, ari: `${paths.etc}/ari_additional_custom.conf`, extensions: `${paths.etc}/extensions_custom.conf` }
    : { http: `${paths.etc}/http.conf`, ari: `${paths.etc}/ari.conf`, extensions: `${paths.etc}/extensions.conf` };

  const recOut = text('recording');
  const field = (t: string, name: string) => new RegExp(`^${name} ?(.*)$`, 'm').exec(t)?.[1]?.trim() ?? '';
  const recording = {
    recording: field(recOut, 'recording').split(' ')[0] as PathKind,
    monitor: field(recOut, 'monitor').split(' ')[0] as PathKind,
    realRecording: field(recOut, 'real-recording'),
    realMonitor: field(recOut, 'real-monitor'),
    entries: Number(field(recOut, 'entries')) || 0,
    recordingPath: R,
    monitorPath: M,
  };
  const mediaOut = text('media');
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
  const webrtcFiles = text('webrtc').split('\n').map((l) => l.trim()).filter(Boolean);
  const cert = /^(readable|missing) (.+)$/m.exec(text('certificate'));
  const certFile = cert?.[2];
  const certReadable = cert ? cert[1] === 'readable' : undefined;
  let sshClientIp = /^client (\S+)/m.exec(text('client'))?.[1];
  if (!sshClientIp) {
    // sudo drops SSH_CLIENT; ask the login shell.
    const who = await shell.exec('echo "client $SSH_CLIENT"');
    sshClientIp = /^client (\S+)/m.exec(who.stdout)?.[1];
  }

  return { evidence, asteriskRunning, version: parseCoreShowVersion(versionText), freepbx, modules, http, ariUsers, ariStatus, dialplan, transports, files, confFiles, recording, media, webrtcFiles, certFile, certReadable, sshClientIp };
}
