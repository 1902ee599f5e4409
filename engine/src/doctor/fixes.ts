/**
 * Builds the exact changes for each fixable item (pure): new file contents
 * (shown as unified diffs) and shell commands for dirs and symlinks, each
 * with its undo. Nothing here touches the PBX.
 */
import type { CheckResult, FixPlan } from '../api/doctor.js';
import { FIX, type DoctorInputs } from './doctor-inputs.js';
import { buildHttpCustom, buildAriUser, buildExtensionsCustom } from './conf-edits.js';
import { moduleState } from './cli-parsers.js';
import { unifiedDiff, redactSecrets } from './unified-diff.js';
import type { PbxFacts } from './pbx-facts.js';
import { shellQuote } from './ssh-session.js';

export type ReloadKind = 'http' | 'ari' | 'dialplan';

export interface FixAction {
  id: string;
  title: string;
  /** `edit` rebuilds `after` from another text: when two fixes change one file, the later applies to the earlier's result. */
  files: { path: string; before?: string; after: string; edit?: (text: string | undefined) => string }[];
  commands: string[];
  /** Commands that undo `commands` (run in order on rollback). */
  undo: string[];
  reload: ReloadKind[];
  /** Values to mask wherever the action is shown. */
  secrets: string[];
  /** False when no check asks for it. */
  needed: boolean;
}

const q = shellQuote;

const MODULES = ['res_ari_applications', 'res_ari_recordings', 'res_ari_channels', 'res_ari_bridges', 'chan_audiosocket', 'chan_rtp', 'res_http_websocket'];

function recordingCommands(f: PbxFacts): { commands: string[]; undo: string[] } {
  const { recording: R, monitor: M } = { recording: f.recording.recordingPath, monitor: f.recording.monitorPath };
  const r = f.recording;
  if (r.recording === 'missing') return { commands: [`ln -s ${q(M)} ${q(R)}`], undo: [`if [ -L ${q(R)} ]; then rm ${q(R)}; fi`] };
  if (r.recording === 'dir' && r.entries === 0) return { commands: [`rmdir ${q(R)} && ln -s ${q(M)} ${q(R)}`], undo: [`if [ -L ${q(R)} ]; then rm ${q(R)} && mkdir ${q(R)}; fi`] };
  if (r.recording === 'dir' && r.monitor === 'dir') {
    const inner = `${R}/monitor`;
    return {
      commands: [`if [ -e ${q(inner)} ] && [ ! -L ${q(inner)} ]; then echo "${inner} exists" >&2; exit 1; fi; rm -f ${q(inner)}; mv ${q(M)} ${q(inner)} && ln -s ${q(inner)} ${q(M)}`],
      undo: [`if [ -L ${q(M)} ] && [ -d ${q(inner)} ]; then rm ${q(M)} && mv ${q(inner)} ${q(M)}; fi`],
    };
  }
  return { commands: [], undo: [] };
}

function mediaCommands(f: PbxFacts): { commands: string[]; undo: string[] } {
  const m = f.media;
  const parent = m.link.replace(/\/[^/]+$/, '');
  const commands: string[] = [];
  const undo: string[] = [];
  if (!m.dirExists) {
    commands.push(`mkdir -p ${q(m.dir)}`, `if id asterisk >/dev/null 2>&1; then chown asterisk:asterisk ${q(m.dir)}; fi`, `chmod 2775 ${q(m.dir)}`);
    undo.push(`rmdir ${q(m.dir)} 2>/dev/null || true`);
  } else if (m.asteriskUser && m.ownerGroup && !/^asterisk:|:asterisk$/.test(m.ownerGroup)) {
    commands.push(`chown asterisk:asterisk ${q(m.dir)}`, `chmod g+ws ${q(m.dir)}`);
    undo.push(`chown ${q(m.ownerGroup)} ${q(m.dir)}${m.mode ? ` && chmod ${m.mode} ${q(m.dir)}` : ''}`);
  }
  const linkOk = m.linkKind === 'link' && m.linkTarget === m.dir;
  if (!linkOk && (m.linkKind === 'missing' || m.linkKind === 'link')) {
    commands.push(`mkdir -p ${q(parent)}`, `ln -sfn ${q(m.dir)} ${q(m.link)}`);
    undo.unshift(m.linkKind === 'missing' ? `if [ -L ${q(m.link)} ]; then rm ${q(m.link)}; fi` : `ln -sfn ${q(m.linkTarget ?? '')} ${q(m.link)}`);
  }
  return { commands, undo };
}

/** Every fix the doctor knows, computed against the facts; `needed` says whether a check asks for it. */
export function buildFixes(f: PbxFacts, inp: DoctorInputs, results: CheckResult[]): FixAction[] {
  const wanted = new Set(results.flatMap((r) => r.fixIds ?? []));
  const file = (path: string, after: (before: string | undefined) => string) => {
    const before = f.files[path];
    const next = after(before);
    return next === before ? [] : [{ path, before, after: next }];
  };
  const out: FixAction[] = [];

  const missingModules = MODULES.filter((m) => moduleState(f.modules, m) !== 'running');
  out.push({
    id: FIX.loadModules,
    title: 'Load the missing Asterisk modules',
    files: [],
    commands: wanted.has(FIX.loadModules) ? missingModules.map((m) => `asterisk -rx ${q(`module load ${m}.so`)}`) : [],
    undo: [],
    reload: [],
    secrets: [],
    needed: wanted.has(FIX.loadModules),
  });

  out.push({
    id: FIX.httpBind,
    title: `Bind the Asterisk HTTP server to all interfaces (${f.confFiles.http.replace(/^.*\//, '')})`,
    files: wanted.has(FIX.httpBind) ? file(f.confFiles.http, (b) => buildHttpCustom(b, '0.0.0.0')) : [],
    commands: [],
    undo: [],
    reload: ['http'],
    secrets: [],
    needed: wanted.has(FIX.httpBind),
  });

  const user = inp.ari.username;
  const password = inp.ari.password;
  out.push({
    id: FIX.ariUser,
    title: `ARI user "${user ?? '?'}" with write access (${f.confFiles.ari.replace(/^.*\//, '')})`,
    files: wanted.has(FIX.ariUser) && user && password ? file(f.confFiles.ari, (b) => buildAriUser(b, { username: user, password, readOnly: false })) : [],
    commands: [],
    undo: [],
    reload: ['ari'],
    secrets: password ? [password] : [],
    needed: wanted.has(FIX.ariUser),
  });

  const rec = wanted.has(FIX.recordingDir) ? recordingCommands(f) : { commands: [], undo: [] };
  out.push({ id: FIX.recordingDir, title: "Put the recordings inside ARI's recording folder", files: [], ...rec, reload: [], secrets: [], needed: wanted.has(FIX.recordingDir) });

  const media = wanted.has(FIX.mediaDir) ? mediaCommands(f) : { commands: [], undo: [] };
  out.push({ id: FIX.mediaDir, title: 'Media dir for file playback and the sounds/ai-generated symlink', files: [], ...media, reload: [], secrets: [], needed: wanted.has(FIX.mediaDir) });

  const ip = f.sshClientIp;
  const trust = wanted.has(FIX.firewallTrust) && !!f.freepbx && !!ip;
  out.push({
    id: FIX.firewallTrust,
    title: `Trust this workstation (${ip ?? '?'}) in the FreePBX firewall`,
    files: [],
    commands: trust ? [`fwconsole firewall trust ${q(ip!)}`] : [],
    undo: trust ? [`fwconsole firewall untrust ${q(ip!)}`] : [],
    reload: [],
    secrets: [],
    needed: wanted.has(FIX.firewallTrust),
  });

  out.push({
    id: FIX.dialplan,
    title: `Dialplan contexts into Stasis(${inp.appName}) (${f.confFiles.extensions.replace(/^.*\//, '')})`,
    files: wanted.has(FIX.dialplan) ? file(f.confFiles.extensions, (b) => buildExtensionsCustom(b, inp.appName, inp.contexts)).map((x) => ({ ...x, edit: (t: string | undefined) => buildExtensionsCustom(t, inp.appName, inp.contexts) })) : [],
    commands: [],
    undo: [],
    reload: ['dialplan'],
    secrets: [],
    needed: wanted.has(FIX.dialplan),
  });
  return out;
}

export function isNoop(a: FixAction): boolean {
  return a.files.length === 0 && a.commands.length === 0;
}

/** The API view: diffs and commands, secrets masked. */
export function toPlan(a: FixAction): FixPlan {
  const parts = a.files.map((fl) => unifiedDiff(fl.before ?? '', fl.after, fl.path, { created: fl.before === undefined }));
  if (a.commands.length) parts.push(`# commands (run as root on the PBX)\n${a.commands.map((c) => `$ ${c}`).join('\n')}\n`);
  return {
    id: a.id,
    title: a.title,
    diff: redactSecrets(parts.join('\n'), a.secrets),
    files: a.files.map((fl) => fl.path),
    commands: a.commands.map((c) => redactSecrets(c, a.secrets)),
    alreadyApplied: isNoop(a),
  };
}

/** Reload commands for the changed kinds: `fwconsole reload` on FreePBX, targeted module reloads otherwise. */
export function reloadCommands(kinds: Set<ReloadKind>, freepbx: boolean): string[] {
  if (!kinds.size) return [];
  if (freepbx) return ['fwconsole reload'];
  const cmds: string[] = [];
  if (kinds.has('http')) cmds.push(`asterisk -rx ${q('module reload http')}`);
  if (kinds.has('ari')) cmds.push(`asterisk -rx ${q('module reload res_ari.so')}`);
  if (kinds.has('dialplan')) cmds.push(`asterisk -rx ${q('dialplan reload')}`);
  return cmds;
}
