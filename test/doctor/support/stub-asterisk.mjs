#!/usr/bin/env node
import process from 'node:process';
// Stub `asterisk -rx "<cmd>"` for the doctor tests: replays CLI captures from
// $STUB/cli/<command-with-dashes>.txt and reflects the fake PBX's config files
// under $ROOT (users, dialplan contexts, HTTP bindaddr), like a reloaded Asterisk.
import { readFileSync, existsSync, appendFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const STUB = dirname(fileURLToPath(import.meta.url));
const ROOT = readFileSync(join(STUB, 'root-prefix'), 'utf8').trim();
// The config dir Asterisk was started with (`core show settings`), under the fake root.
const etc = existsSync(join(STUB, 'etc-dir')) ? readFileSync(join(STUB, 'etc-dir'), 'utf8').trim() : join(ROOT, 'etc/asterisk');
const args = process.argv.slice(2);
const i = args.indexOf('-rx');
if (i < 0) {
  process.stderr.write('stub asterisk: only -rx is supported\n');
  process.exit(2);
}
const cmd = args[i + 1] ?? '';
appendFileSync(join(STUB, 'asterisk.log'), `${cmd}\n`);
const file = (name) => join(STUB, 'cli', `${name}.txt`);
const fixture = (name) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : undefined);
const readEtc = (name) => (existsSync(join(etc, name)) ? readFileSync(join(etc, name), 'utf8') : '');
const out = (s) => process.stdout.write(s);

function sections(text) {
  const res = new Map();
  let cur;
  for (const raw of text.split('\n')) {
    const line = raw.split(';')[0].trim();
    const h = /^\[([^\]]+)\]/.exec(line);
    if (h) {
      cur = h[1];
      res.set(cur, []);
    } else if (cur && line) res.get(cur).push(line);
  }
  return res;
}

if (!existsSync(file('core-show-version'))) {
  out('Unable to connect to remote asterisk (does /var/run/asterisk/asterisk.ctl exist?)\n');
  process.exit(1);
}
const header = 'Module                         Description                              Use Count  Status      Support Level\n';
let m;
if (cmd === 'core show version') out(fixture('core-show-version'));
else if ((m = /^module show like (\S+)$/.exec(cmd))) {
  let text = fixture(`module-show-like-${m[1]}`) ?? `${header}0 modules loaded\n`;
  const loaded = existsSync(join(STUB, 'loaded.txt')) ? readFileSync(join(STUB, 'loaded.txt'), 'utf8').split('\n').filter(Boolean) : [];
  for (const mod of loaded.filter((x) => x.includes(m[1]))) {
    const row = `${mod.padEnd(31)}${'Loaded by the doctor test'.padEnd(41)}0          Running              core`;
    const lines = text.split('\n').filter((l) => !l.startsWith(`${mod} `) && !/modules loaded/.test(l) && l);
    lines.push(row);
    text = `${lines.join('\n')}\n${lines.length - 1} modules loaded\n`;
  }
  out(text);
} else if ((m = /^module load (\S+)$/.exec(cmd))) {
  appendFileSync(join(STUB, 'loaded.txt'), `${m[1]}\n`);
  out(`Loaded ${m[1]}\n`);
} else if (cmd === 'http show status') {
  let text = fixture('http-show-status') ?? '';
  const conf = sections(readEtc('http_custom.conf') + '\n' + readEtc('http.conf')).get('general') ?? [];
  const bind = conf.map((l) => /^bindaddr\s*=\s*(\S+)/.exec(l)).find(Boolean);
  if (bind) text = text.replace(/^Server Enabled and Bound to [^\n]*:(\d+)$/m, `Server Enabled and Bound to ${bind[1]}:$1`);
  out(text);
} else if (cmd === 'ari show users') {
  let text = fixture('ari-show-users') ?? 'r/o?  ACL?  Username\n----  ----  --------\n';
  for (const f of ['ari_additional_custom.conf', 'ari.conf']) {
    for (const [name, lines] of sections(readEtc(f))) {
      if (!lines.some((l) => /^type\s*=\s*user/.test(l))) continue;
      const ro = lines.some((l) => /^read_only\s*=\s*yes/.test(l)) ? 'Yes' : 'No ';
      text = text.split('\n').filter((l) => !l.endsWith(` ${name}`)).join('\n').replace(/\n*$/, '\n') + `${ro}   No    ${name}\n`;
    }
  }
  out(text);
} else if ((m = /^dialplan show (\S+)$/.exec(cmd))) {
  const name = m[1];
  const found = [['extensions_custom.conf', readEtc('extensions_custom.conf')], ['extensions.conf', readEtc('extensions.conf')]].find(([, t]) => sections(t).has(name));
  if (found) {
    const lines = sections(found[1]).get(name);
    let s = `[ Context '${name}' created by 'pbx_config' ]\n`;
    let prio = 0;
    for (const l of lines) {
      const e = /^(?:exten\s*=>\s*([^,]+),\s*[^,]+|same\s*=>\s*n),(.*)$/.exec(l);
      if (!e) continue;
      prio++;
      const app = e[2].trim();
      s += prio === 1 ? `  '${e[1]}' =>${' '.repeat(12)}1. ${app.padEnd(42)} [${found[0]}:${prio}]\n` : `${' '.repeat(20)}${prio}. ${app.padEnd(42)} [${found[0]}:${prio}]\n`;
    }
    out(`${s}\n-= 1 extension (${prio} priorities) in 1 context. =-\n`);
  } else {
    const f = fixture(`dialplan-show-${name}`);
    out(f ?? `There is no existence of '${name}' context\nCommand 'dialplan show ${name}' failed.\n`);
  }
} else if ((m = /^pjsip show endpoint (\S+)$/.exec(cmd))) {
  out(fixture(`pjsip-show-endpoint-${m[1]}`) ?? `Unable to find object ${m[1]}.\n\n`);
} else if (['ari show status', 'pjsip show transports', 'pjsip show endpoints', 'core show settings'].includes(cmd) && fixture(cmd.replace(/ /g, '-'))) {
  out(fixture(cmd.replace(/ /g, '-')));
} else if (/^module reload|^dialplan reload$/.test(cmd)) {
  out(`Reloaded (${cmd})\n`);
} else {
  out(`No such command '${cmd}' (type 'core show help ${cmd.split(' ').slice(0, 2).join(' ')}' for other possible commands)\n`);
}
