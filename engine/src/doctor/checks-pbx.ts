/**
 * Checks judged from the PBX facts alone (pure): Asterisk and FreePBX
 * versions, modules, HTTP server, ARI users, recording and media dirs,
 * dialplan contexts (WebRTC: checks-webrtc.ts).
 */
import type { CheckResult } from '../api/doctor.js';
import { moduleState, isLoopback, isWildcard, hasStasis, aiContextOf } from './cli-parsers.js';
import { AsteriskConf } from './asterisk-conf.js';
import { dialplanContextNames } from './conf-edits.js';
import { check, FIX, type DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';

export function versionChecks(f: PbxFacts): CheckResult[] {
  const ev = f.evidence;
  const out: CheckResult[] = [];
  if (!f.asteriskRunning || !f.version) {
    out.push(check('asterisk-version', 'Asterisk 18 or newer', 'fail', [ev.version], 'Asterisk is not running or `asterisk -rx` cannot reach it (try `systemctl status asterisk` / `fwconsole start`; the SSH user needs root or sudo).'));
  } else if (f.version.major < 18) {
    out.push(check('asterisk-version', 'Asterisk 18 or newer', 'fail', [ev.version], `Asterisk ${f.version.version} is too old: upgrade to 18 or newer (FreePBX: \`asterisk-switch-version\`).`));
  } else {
    out.push(check('asterisk-version', `Asterisk ${f.version.version}`, 'pass', [ev.version]));
  }
  if (!f.freepbx) out.push(check('freepbx-version', 'FreePBX', 'skip', [ev.freepbx], 'FreePBX not found: plain Asterisk, so fixes edit http.conf, ari.conf and extensions.conf.'));
  else if (Number(f.freepbx.split('.')[0]) < 15) out.push(check('freepbx-version', `FreePBX ${f.freepbx}`, 'warn', [ev.freepbx], 'FreePBX 15 or newer is recommended.'));
  else out.push(check('freepbx-version', `FreePBX ${f.freepbx}`, 'pass', [ev.freepbx]));
  return out;
}

export function moduleChecks(f: PbxFacts, inp: DoctorInputs): CheckResult[] {
  const ev = f.evidence;
  const specs: { id: string; modules: string[]; evidence: string; needed: boolean; why: string }[] = [
    { id: 'res_ari_applications', modules: ['res_ari_applications'], evidence: 'modules-ari', needed: true, why: 'the Stasis application' },
    { id: 'res_ari_recordings', modules: ['res_ari_recordings'], evidence: 'modules-ari', needed: true, why: 'stored recordings' },
    { id: 'res_ari_channels', modules: ['res_ari_channels'], evidence: 'modules-ari', needed: true, why: 'call control' },
    { id: 'res_ari_bridges', modules: ['res_ari_bridges'], evidence: 'modules-ari', needed: true, why: 'bridging the caller with the media channel' },
    { id: 'chan_audiosocket', modules: ['chan_audiosocket', 'app_audiosocket'], evidence: 'modules-audiosocket', needed: inp.transport === 'audiosocket', why: 'the AudioSocket transport' },
    { id: 'chan_rtp', modules: ['chan_rtp'], evidence: 'modules-chan_rtp', needed: inp.transport === 'externalmedia', why: 'the ExternalMedia RTP transport' },
    { id: 'res_http_websocket', modules: ['res_http_websocket'], evidence: 'modules-res_http_websocket', needed: true, why: 'the ARI events websocket' },
  ];
  return specs.map((s) => {
    const states = s.modules.map((m) => [m, moduleState(f.modules, m)] as const);
    const primary = states[0]!;
    const title = `Module ${s.modules.join(' / ')} (${s.why})`;
    if (primary[1] === 'running') return check(`module-${s.id}`, title, 'pass', [ev[s.evidence]]);
    const what = primary[1] === 'absent' ? 'is not loaded ("0 modules loaded")' : 'is present but Not Running';
    const other = states.slice(1).filter(([, st]) => st === 'running').map(([m]) => m);
    const fix = `${primary[0]} ${what}: \`asterisk -rx "module load ${primary[0]}.so"\`${other.length ? ` (${other.join(', ')} is running but ARI externalMedia needs ${primary[0]})` : ''}; make it permanent by removing any noload for it in modules.conf.`;
    return check(`module-${s.id}`, title, s.needed ? 'fail' : 'warn', [ev[s.evidence]], fix, [FIX.loadModules]);
  });
}

export function httpChecks(f: PbxFacts, inp: DoctorInputs): CheckResult[] {
  const ev = f.evidence;
  const out: CheckResult[] = [];
  const remote = !isLoopback(inp.ari.host);
  const file = f.confFiles.http.replace(/^.*\//, '');
  const bindFix = `Set bindaddr=0.0.0.0 (and enabled=yes) in [general] of ${f.confFiles.http}${f.freepbx ? ' — http_custom.conf overrides http_additional.conf without FreePBX reverting it; do not edit http_additional.conf' : ''}, reload, and restrict port 8088 to this workstation in the firewall.`;
  const h = f.http;
  if (!h) out.push(check('http-server', 'Asterisk HTTP server', 'fail', [ev.http], 'Cannot read `http show status`; is Asterisk running?'));
  else if (!h.enabled || !h.bound) out.push(check('http-server', 'Asterisk HTTP server enabled', 'fail', [ev.http], bindFix, [FIX.httpBind]));
  else {
    const { address, port } = h.bound;
    const title = `HTTP server bound to ${address}:${port}`;
    if (isWildcard(address)) out.push(check('http-server', title, 'pass', [ev.http]));
    else if (isLoopback(address)) {
      out.push(remote ? check('http-server', title, 'fail', [ev.http], `Only reachable from the PBX itself, but the app connects to ${inp.ari.host}. ${bindFix}`, [FIX.httpBind]) : check('http-server', title, 'pass', [ev.http]));
    } else if (address === inp.ari.host) out.push(check('http-server', title, 'pass', [ev.http]));
    else out.push(check('http-server', title, 'fail', [ev.http], `Bound to ${address} only, but the app connects to ${inp.ari.host}. ${bindFix}`, [FIX.httpBind]));
  }
  if (f.freepbx) {
    const custom = f.files[f.confFiles.http];
    const bind = custom !== undefined ? new AsteriskConf(custom).get('general', 'bindaddr') : undefined;
    const evid = { command: `cat ${f.confFiles.http}`, output: custom ?? '(no such file)' };
    const httpOk = out[0]!.status === 'pass';
    if (bind) out.push(check('http-override', `${file} sets bindaddr=${bind}`, 'pass', [evid]));
    else if (httpOk) out.push(check('http-override', `${file} (no override needed)`, 'pass', [evid]));
    else out.push(check('http-override', `${file} overriding bindaddr`, 'fail', [evid], bindFix, [FIX.httpBind]));
  }
  const tlsNeeded = inp.ari.scheme === 'https' || !!inp.recordings?.tls;
  if (h?.tlsEnabled) out.push(check('http-tls', `HTTPS bound to ${h.tlsBound?.address}:${h.tlsBound?.port}`, 'pass', [ev.http]));
  else {
    const fix = `Enable TLS in [general] of ${f.confFiles.http}: tlsenable=yes, tlsbindaddr=0.0.0.0:8089, tlscertfile=…, tlsprivatekey=… (FreePBX: Settings → Advanced Settings / Certificate Manager), then reload.`;
    out.push(check('http-tls', 'HTTPS (TLS on 8089)', tlsNeeded ? 'fail' : 'skip', [ev.http], tlsNeeded ? fix : 'HTTPS is not enabled; the app is configured for plain HTTP.'));
  }
  return out;
}

export function ariChecks(f: PbxFacts, inp: DoctorInputs): CheckResult[] {
  const ev = f.evidence;
  const out: CheckResult[] = [];
  const user = inp.ari.username;
  const where = f.freepbx ? 'Settings → Asterisk REST Interface Users' : f.confFiles.ari;
  if (!user) out.push(check('ari-user', 'ARI user for the agent', 'skip', [ev['ari-users']], 'No ARI username is configured in the app (asterisk.username).'));
  else {
    const u = f.ariUsers.find((x) => x.username === user);
    const ours = f.files[f.confFiles.ari] !== undefined && !!new AsteriskConf(f.files[f.confFiles.ari]!).section(user);
    const fixable = !!inp.ari.password && (!u || ours);
    if (!u) out.push(check('ari-user', `ARI user "${user}"`, 'fail', [ev['ari-users']], `No ARI user "${user}": add it (read_only=no) in ${where}${fixable ? '' : '; the app has no ARI password to write'}.`, fixable ? [FIX.ariUser] : []));
    else if (u.readOnly) out.push(check('ari-user', `ARI user "${user}" is read-only`, 'fail', [ev['ari-users']], `The agent needs write access: set Read Only = No for "${user}" in ${where} (read-only is fine for a recordings-sync-only user).`, ours && fixable ? [FIX.ariUser] : []));
    else out.push(check('ari-user', `ARI user "${user}" (read/write)`, 'pass', [ev['ari-users']]));
  }
  const rec = inp.recordings;
  if (rec && rec.username && rec.username !== user) {
    const u = f.ariUsers.find((x) => x.username === rec.username);
    out.push(
      u
        ? check('ari-recordings-user', `ARI user "${rec.username}" for recordings${u.readOnly ? ' (read-only: fine for sync)' : ''}`, 'pass', [ev['ari-users']])
        : check('ari-recordings-user', `ARI user "${rec.username}" for recordings`, 'fail', [ev['ari-users']], `Add the recordings user "${rec.username}" (read_only=yes is enough) in ${where}.`),
    );
  }
  const st = f.ariStatus;
  if (!st) out.push(check('ari-status', 'ARI enabled, allowed_origins', 'fail', [ev['ari-status']], 'Cannot read `ari show status` (res_ari not loaded?).', [FIX.loadModules]));
  else if (!st.enabled) out.push(check('ari-status', 'ARI enabled', 'fail', [ev['ari-status']], `Set enabled=yes in [general] of ari.conf${f.freepbx ? ' (FreePBX: Settings → Advanced Settings → Enable the Asterisk REST Interface)' : ''}.`));
  else if (!st.allowedOrigins) out.push(check('ari-status', 'ARI allowed_origins', 'warn', [ev['ari-status']], `allowed_origins is empty: set it in [general] of ari.conf (${f.freepbx ? 'ari_general_custom.conf' : 'ari.conf'}), e.g. allowed_origins = * or this workstation's origin.`));
  else out.push(check('ari-status', `ARI enabled, allowed_origins = ${st.allowedOrigins}`, 'pass', [ev['ari-status']]));
  return out;
}

export function recordingDirCheck(f: PbxFacts): CheckResult {
  const r = f.recording;
  const ev = [f.evidence.recording];
  const inside = r.realRecording !== '' && (r.realMonitor === r.realRecording || r.realMonitor.startsWith(`${r.realRecording}/`));
  if (r.monitor === 'missing') return check('recording-dir', 'Recording folder', 'warn', ev, `${r.monitorPath} does not exist: no call recordings yet (MixMonitor creates it).`);
  if (inside) return check('recording-dir', `Recordings (${r.realMonitor}) are inside ARI's recording folder`, 'pass', ev);
  const fixable = r.recording === 'missing' || (r.recording === 'dir' && r.entries === 0) || (r.recording === 'dir' && r.monitor === 'dir');
  return check(
    'recording-dir',
    "Recordings inside ARI's recording folder",
    'fail',
    ev,
    `ARI serves only files whose real path is inside ${r.realRecording || r.recordingPath}, but MixMonitor writes to ${r.realMonitor}: listing works, downloads give 404. Make ${r.recordingPath} a symlink to ${r.monitorPath} (or move monitor into it and link back).`,
    fixable ? [FIX.recordingDir] : [],
  );
}

export function mediaDirCheck(f: PbxFacts, inp: DoctorInputs): CheckResult {
  const m = f.media;
  const ev = [f.evidence.media];
  const sev = inp.fileMode ? 'fail' : 'warn';
  const linkOk = m.linkKind === 'link' && (m.linkTarget === m.dir || m.linkTarget === inp.mediaDir);
  const problems: string[] = [];
  if (!m.dirExists) problems.push(`${m.dir} does not exist`);
  if (!linkOk) problems.push(m.linkKind === 'link' ? `${m.link} points to ${m.linkTarget}, not ${m.dir}` : m.linkKind === 'missing' ? `${m.link} is missing` : `${m.link} is not a symlink`);
  if (m.dirExists && m.asteriskUser && m.ownerGroup && !/^asterisk:|:asterisk$/.test(m.ownerGroup)) problems.push(`${m.dir} is owned by ${m.ownerGroup}, not asterisk`);
  else if (m.dirExists && m.asteriskUser && m.mode && m.ownerGroup && !m.ownerGroup.startsWith('asterisk:') && !/^\d?\d[2367]\d$/.test(m.mode)) problems.push(`${m.dir} (mode ${m.mode}) is not group-writable`);
  if (!problems.length) return check('media-dir', `Media dir ${m.dir} and sounds/ai-generated symlink`, 'pass', ev);
  const fixable = m.linkKind !== 'dir' && m.linkKind !== 'other';
  return check('media-dir', 'Media dir for file playback', sev, ev, `${problems.join('; ')}.${inp.fileMode ? '' : ' (Only needed for file playback / pipelines.)'}`, fixable ? [FIX.mediaDir] : []);
}

export function dialplanChecks(f: PbxFacts, inp: DoctorInputs): CheckResult[] {
  return dialplanContextNames(inp.contexts).map(({ dialplan, aiContext }) => {
    const c = f.dialplan[dialplan];
    const ev = [f.evidence[`dialplan-${dialplan}`]];
    const hint = `Expose it with a Custom Destination (Admin → Custom Destination) targeting ${dialplan},s,1.`;
    const file = f.confFiles.extensions;
    if (!c?.exists) return check(`dialplan-${dialplan}`, `Dialplan context ${dialplan}`, 'fail', ev, `Context ${dialplan} does not exist: add it to ${file}. ${hint}`, [FIX.dialplan]);
    if (!hasStasis(c, inp.appName)) return check(`dialplan-${dialplan}`, `Dialplan context ${dialplan}`, 'fail', ev, `${dialplan} never reaches Stasis(${inp.appName}).`, [FIX.dialplan]);
    const set = aiContextOf(c);
    if (aiContext && set !== aiContext) return check(`dialplan-${dialplan}`, `Dialplan context ${dialplan}`, 'warn', ev, `Set(AI_CONTEXT=${aiContext}) is missing before Stasis (found ${set ?? 'none'}).`);
    return check(`dialplan-${dialplan}`, `Dialplan ${dialplan} → Stasis(${inp.appName})`, 'pass', ev, hint);
  });
}
