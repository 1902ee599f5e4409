/**
 * Checks that need the network: this workstation → PBX (ARI port, the
 * recordings download proof) and PBX → engine (AudioSocket TCP, RTP UDP),
 * the latter by having the PBX connect back while we listen.
 */
import type { CheckResult } from '../api/doctor.js';
import { isLoopback } from './cli-parsers.js';
import { check, FIX, type DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';
import { trimOutput, runBatch, type Evidence } from './remote-batch.js';
import { shellQuote, type RemoteShell } from './ssh-session.js';
import { tcpProbe, httpGet, judgeDownload, recordingFileUrl, tcpListenIfFree, udpCatcher } from './probes.js';
import { transportsInUse } from './transports-in-use.js';

function firewallFix(f: PbxFacts, ports: string): string {
  const me = f.sshClientIp ?? "this workstation's address";
  return f.freepbx
    ? `Allow ${ports} from ${me} on the PBX: \`fwconsole firewall trust ${me}\` (or Connectivity → Firewall → Networks).`
    : `Allow ${ports} from ${me} on the PBX, e.g. \`firewall-cmd --permanent --add-rich-rule='rule family=ipv4 source address=${me} port port=8088 protocol=tcp accept' && firewall-cmd --reload\`.`;
}

export async function workstationPortChecks(f: PbxFacts, inp: DoctorInputs): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const targets: { port: number; label: string; needed: boolean }[] = [{ port: inp.ari.port, label: inp.ari.scheme === 'https' ? 'ARI (HTTPS)' : 'ARI (HTTP)', needed: true }];
  const tlsPort = f.http?.tlsBound?.port;
  const tlsUsed = inp.ari.scheme === 'https' || !!inp.recordings?.tls;
  if (tlsUsed && f.http?.tlsEnabled && tlsPort && tlsPort !== inp.ari.port) targets.push({ port: tlsPort, label: 'ARI (HTTPS)', needed: true });
  if (!isLoopback(inp.sshHost) && isLoopback(inp.ari.host)) {
    out.push(check('ari-address', `The app reaches ARI at ${inp.ari.host}`, 'warn', [{ command: 'asterisk.host (app config)', output: inp.ari.host }], `The PBX is ${inp.sshHost} but the app's ARI host is ${inp.ari.host}: set asterisk.host to the PBX's address (Settings → ARI connection).`));
  }
  for (const t of targets) {
    const r = await tcpProbe(inp.ari.host, t.port);
    const ev: Evidence = { command: `tcp connect ${inp.ari.host}:${t.port} (from this workstation)`, output: r.ok ? 'connected' : r.error ?? 'failed' };
    const id = `port-${t.port}`;
    if (r.ok) out.push(check(id, `${t.label} ${inp.ari.host}:${t.port} reachable from this workstation`, 'pass', [ev]));
    else {
      const refused = r.error === 'ECONNREFUSED';
      const fixIds = refused ? [FIX.httpBind] : f.freepbx && f.sshClientIp ? [FIX.firewallTrust] : [];
      out.push(check(id, `${t.label} ${inp.ari.host}:${t.port} from this workstation`, t.needed ? 'fail' : 'warn', [ev], `${refused ? 'Nothing listens there (check the HTTP bindaddr). ' : ''}${firewallFix(f, `TCP ${t.port}`)}`, fixIds));
    }
  }
  return out;
}

interface StoredRecording {
  name: string;
  format?: string;
}

export async function recordingsDownloadCheck(f: PbxFacts, inp: DoctorInputs): Promise<CheckResult> {
  const r = inp.recordings;
  const creds = r ? { username: r.username, password: r.password } : inp.ari.username && inp.ari.password ? { username: inp.ari.username, password: inp.ari.password } : undefined;
  const title = 'Recordings download over ARI (end to end)';
  if (!creds) return check('recordings-download', title, 'skip', [], 'No ARI credentials configured in the app, so the download cannot be proven.');
  const base = r ? `${r.tls ? 'https' : 'http'}://${r.host}:${r.port}` : `${inp.ari.scheme}://${inp.ari.host}:${inp.ari.port}`;
  const ev: Evidence[] = [];
  const fixIds = f.recording && !f.recording.realMonitor.startsWith(f.recording.realRecording || '\0') ? [FIX.recordingDir] : [];
  try {
    const pin = r?.tls ? r.trustFingerprint : undefined;
    const list = await httpGet(`${base}/ari/recordings/stored`, creds, { pin });
    ev.push({ command: `GET ${base}/ari/recordings/stored`, output: trimOutput(`HTTP ${list.status}\n${list.body.toString('utf8')}`) });
    if (list.status !== 200) {
      const why = list.status === 401 ? 'wrong ARI user or password' : list.status === 404 ? 'res_ari_recordings is not loaded' : `HTTP ${list.status}`;
      return check('recordings-download', title, 'fail', ev, `Listing stored recordings failed: ${why}.`, list.status === 404 ? [FIX.loadModules] : []);
    }
    const items = JSON.parse(list.body.toString('utf8')) as StoredRecording[];
    if (!Array.isArray(items) || !items.length) return check('recordings-download', title, 'warn', ev, 'The list is empty: record a test call, then run the doctor again to prove a download.');
    const pick = items.find((i) => i.name.includes('/')) ?? items[0]!;
    const url = recordingFileUrl(base, pick.name);
    const file = await httpGet(url, creds, { pin });
    const v = judgeDownload(file);
    ev.push({ command: `GET ${url}`, output: v.ok ? `HTTP 200 ${v.contentType}, ${v.bytes} bytes` : `${v.reason}${v.body ? `\n${v.body}` : ''}` });
    if (v.ok) return check('recordings-download', `Downloaded ${pick.name} (${v.bytes} bytes) over ARI`, 'pass', ev);
    return check('recordings-download', title, 'fail', ev, `The listing works but the download does not (${v.reason}): the recording's real path is outside ARI's recording folder. Fix the recording folder link, then reload res_ari_recordings.`, fixIds.length ? fixIds : [FIX.recordingDir]);
  } catch (err) {
    ev.push({ command: `GET ${base}/ari/recordings/stored`, output: (err as Error).message });
    return check('recordings-download', title, 'fail', ev, `No HTTP answer: ${(err as Error).message}. ${firewallFix(f, `TCP ${r?.port ?? inp.ari.port}`)}`);
  }
}

function pbxTcpScript(host: string, port: number): string {
  const dev = shellQuote(`exec 3<>/dev/tcp/${host}/${port}`);
  return `if timeout 5 bash -c ${dev} 2>/dev/null; then echo open; elif command -v nc >/dev/null 2>&1 && nc -z -w 5 ${shellQuote(host)} ${port} 2>/dev/null; then echo open; else echo closed; fi`;
}

function engineFirewallFix(f: PbxFacts, proto: 'tcp' | 'udp', ports: string): string {
  return `The PBX cannot reach this workstation on ${proto.toUpperCase()} ${ports}. Allow it in this workstation's firewall (Windows Defender Firewall, ufw, or firewalld: \`firewall-cmd --permanent --add-port=${ports}/${proto} && firewall-cmd --reload\`)${f.freepbx ? '; also check the FreePBX firewall (`fwconsole firewall`)' : ''}.`;
}

/**
 * PBX → engine reachability of the AudioSocket port and the RTP range. A transport calls use (audio_transport,
 * or a dialplan context's AI_TRANSPORT) fails when unreachable, one they do not use only warns; with
 * audio_transport websocket an unused one is skipped, since the PBX then never connects to this workstation.
 */
export async function pbxToEngineChecks(shell: RemoteShell, f: PbxFacts, inp: DoctorInputs): Promise<CheckResult[]> {
  const pbxRemote = !isLoopback(inp.sshHost);
  const as = inp.audiosocket;
  const rtp = inp.rtp;
  const used = transportsInUse(f, inp);
  const tcpSev = used.has('audiosocket') ? 'fail' : 'warn';
  const udpSev = used.has('externalmedia') ? 'fail' : 'warn';
  // A transport only a dialplan context chooses says so in the title.
  const forWhom = (k: 'audiosocket' | 'externalmedia') => (used.has(k) && inp.transport !== k ? ` (${used.get(k)})` : '');
  // With media workers the AudioSocket listeners are port … port+N-1: the first and the last are probed.
  const lastPort = as.port + Math.max(1, as.ports ?? 1) - 1;
  const tcpPorts = lastPort > as.port ? [as.port, lastPort] : [as.port];
  const tcpRange = lastPort > as.port ? `${as.port}-${lastPort}` : String(as.port);
  const tcpTitle = `PBX → engine AudioSocket ${as.advertiseHost}:${tcpRange}/TCP${forWhom('audiosocket')}`;
  const udpTitle = `PBX → engine RTP ${rtp.advertiseHost}:${rtp.start}-${rtp.end}/UDP${forWhom('externalmedia')}`;
  const hint = f.sshClientIp ? ` (${f.sshClientIp})` : '';
  let tcp: CheckResult | undefined;
  let udp: CheckResult | undefined;
  if (inp.transport === 'websocket') {
    const notNeeded = (what: string) => `Not needed: audio_transport is websocket, so the engine connects to the PBX's HTTP port and the PBX never connects here, and no dialplan context of the app sets AI_TRANSPORT=${what}.`;
    if (!used.has('audiosocket')) tcp = check('pbx-to-engine-tcp', tcpTitle, 'skip', [], notNeeded('audiosocket'));
    if (!used.has('externalmedia')) udp = check('pbx-to-engine-rtp', udpTitle, 'skip', [], notNeeded('externalmedia'));
    if (tcp && udp) return [tcp, udp];
  }
  if (pbxRemote && isLoopback(as.advertiseHost)) {
    tcp = check('pbx-to-engine-tcp', tcpTitle, tcpSev, [{ command: 'echo "$SSH_CLIENT"', output: f.sshClientIp ?? '' }], `audiosocket.advertise_host is ${as.advertiseHost}, which on the PBX means the PBX itself. Set it to this workstation's address as the PBX sees it${hint}.`);
  }
  if (pbxRemote && isLoopback(rtp.advertiseHost)) {
    udp = check('pbx-to-engine-rtp', udpTitle, udpSev, [], `external_media.advertise_host is ${rtp.advertiseHost}; set it to this workstation's address as the PBX sees it${hint}.`);
  }
  const listeners = tcp ? [] : await Promise.all(tcpPorts.map((p) => tcpListenIfFree(p)));
  const catcher = udp ? undefined : await udpCatcher(rtp.start, rtp.end);
  if (!udp && !catcher) udp = check('pbx-to-engine-rtp', udpTitle, 'warn', [], `Every port of ${rtp.start}-${rtp.end} is busy on this workstation (calls in progress?); run the doctor again when idle.`);
  try {
    const items: { key: string; command: string }[] = [];
    if (!tcp) for (const [i, p] of tcpPorts.entries()) items.push({ key: `tcp${i}`, command: pbxTcpScript(as.advertiseHost, p) });
    if (catcher) {
      const send = `bash -c ${shellQuote(`echo -n ${catcher.token} > /dev/udp/${rtp.advertiseHost}/${catcher.port}`)}`;
      items.push({ key: 'udp', command: `${send}; sleep 0.2; ${send}; echo sent` });
    }
    if (items.length) {
      const got = await runBatch(shell, items, false);
      if (!tcp) {
        const evs = tcpPorts.map((_, i) => ({ command: items[i]!.command, output: trimOutput(got[`tcp${i}`]?.output ?? '') }));
        const open = tcpPorts.every((_, i) => got[`tcp${i}`]?.output.trim().endsWith('open'));
        tcp = open ? check('pbx-to-engine-tcp', tcpTitle, 'pass', evs) : check('pbx-to-engine-tcp', tcpTitle, tcpSev, evs, engineFirewallFix(f, 'tcp', tcpRange));
      }
      if (catcher) {
        const received = await catcher.received(inp.udpWaitMs ?? 2000);
        const ev = { command: items.at(-1)!.command, output: `${trimOutput(got.udp?.output ?? '')}\n${received ? `datagram received on UDP ${catcher.port}` : `nothing arrived on UDP ${catcher.port}`}` };
        udp = received ? check('pbx-to-engine-rtp', udpTitle, 'pass', [ev]) : check('pbx-to-engine-rtp', udpTitle, udpSev, [ev], engineFirewallFix(f, 'udp', `${rtp.start}-${rtp.end}`));
      }
    }
  } finally {
    for (const l of listeners) l.server?.close();
    catcher?.close();
  }
  return [tcp!, udp!];
}
