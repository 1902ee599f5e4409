/**
 * The first round trip: what Asterisk (and fwconsole) say, in one batch.
 * Directories come from `core show settings`, endpoints from `pjsip show
 * endpoints`; nothing here reads a file.
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
  type ModuleTable,
  type DialplanContext,
} from './cli-parsers.js';
import { parseCoreShowSettings, parsePjsipShowEndpoints } from './cli-parsers-settings.js';
import { dialplanContextNames } from './conf-edits.js';
import type { FactInputs, PbxFacts } from './pbx-facts.js';
import { runBatch, trimOutput, type Evidence } from './remote-batch.js';

/** `module show like <x>` queries; a check that needs another module adds its pattern here. */
const MODULE_LIKES = ['ari', 'audiosocket', 'chan_rtp', 'res_http_websocket', 'websocket'];

export type CliFacts = Pick<
  PbxFacts,
  'evidence' | 'asteriskRunning' | 'version' | 'freepbx' | 'modules' | 'http' | 'ariUsers' | 'ariStatus' | 'dialplan' | 'transports' | 'dirs' | 'endpoints' | 'sshClientIp'
>;

export async function gatherCliFacts(shell: RemoteShell, inputs: FactInputs): Promise<CliFacts> {
  const items: { key: string; command: string }[] = [];
  const cli = (key: string, cmd: string) => items.push({ key, command: `asterisk -rx ${shellQuote(cmd)}` });
  cli('version', 'core show version');
  cli('settings', 'core show settings');
  items.push({ key: 'freepbx', command: 'if command -v fwconsole >/dev/null 2>&1; then fwconsole -V 2>&1; else echo "fwconsole: command not found"; fi' });
  for (const like of MODULE_LIKES) cli(`modules-${like}`, `module show like ${like}`);
  cli('http', 'http show status');
  cli('ari-users', 'ari show users');
  cli('ari-status', 'ari show status');
  const contexts = dialplanContextNames(inputs.contexts).map((c) => c.dialplan);
  for (const name of contexts) cli(`dialplan-${name}`, `dialplan show ${name}`);
  cli('transports', 'pjsip show transports');
  cli('endpoints', 'pjsip show endpoints');
  items.push({ key: 'client', command: 'echo "client $SSH_CLIENT"' });

  const got = await runBatch(shell, items, true);
  const text = (key: string) => got[key]?.output ?? '';
  const evidence: Record<string, Evidence> = {};
  for (const it of items) evidence[it.key] = { command: it.command, output: trimOutput(text(it.key)) };

  const versionText = text('version');
  const modules: ModuleTable = { rows: [] };
  for (const like of MODULE_LIKES) {
    for (const r of parseModuleShow(text(`modules-${like}`)).rows) if (!modules.rows.some((x) => x.module === r.module)) modules.rows.push(r);
  }
  const dialplan: Record<string, DialplanContext> = {};
  for (const name of contexts) dialplan[name] = parseDialplanShow(text(`dialplan-${name}`), name);
  let sshClientIp = /^client (\S+)/m.exec(text('client'))?.[1];
  if (!sshClientIp) {
    // sudo drops SSH_CLIENT; ask the login shell.
    const who = await shell.exec('echo "client $SSH_CLIENT"');
    sshClientIp = /^client (\S+)/m.exec(who.stdout)?.[1];
  }
  return {
    evidence,
    asteriskRunning: !asteriskNotRunning(versionText) && /^Asterisk /m.test(versionText),
    version: parseCoreShowVersion(versionText),
    freepbx: parseFwconsoleVersion(text('freepbx')),
    modules,
    http: parseHttpShowStatus(text('http')),
    ariUsers: parseAriShowUsers(text('ari-users')),
    ariStatus: parseAriShowStatus(text('ari-status')),
    dialplan,
    transports: parsePjsipShowTransports(text('transports')),
    dirs: parseCoreShowSettings(text('settings')),
    endpoints: parsePjsipShowEndpoints(text('endpoints')),
    sshClientIp,
  };
}
