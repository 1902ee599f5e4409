/**
 * The second round trip, at the directories Asterisk reported: the config
 * files the doctor may edit (astetcdir), ARI's recording folder and
 * MixMonitor's (astspooldir), the media dir and its sounds link
 * (astdatadir/sounds), and `pjsip show endpoint <id>` until one says
 * webrtc: yes (the softphone's endpoint first).
 */
import type { RemoteShell } from './ssh-session.js';
import { shellQuote } from './ssh-session.js';
import { parsePjsipShowEndpoint, truthy } from './cli-parsers-settings.js';
import type { FactInputs, PathKind, PbxFacts, PbxPaths } from './pbx-facts.js';
import { runBatch, trimOutput, type Evidence } from './remote-batch.js';

/** Endpoints asked one by one at most (a big PBX has hundreds; the loop stops at the first WebRTC one). */
const MAX_ENDPOINTS_ASKED = 300;

const CONF_FILES = ['http_custom.conf', 'ari_additional_custom.conf', 'extensions_custom.conf', 'http.conf', 'ari.conf', 'extensions.conf', 'http_additional.conf'];

export type FsFacts = Pick<PbxFacts, 'evidence' | 'files' | 'confFiles' | 'recording' | 'media' | 'webrtcEndpoint'>;

const kindScript = (v: string) => `if [ -L "${v}" ]; then echo link; elif [ -d "${v}" ]; then echo dir; elif [ -e "${v}" ]; then echo other; else echo missing; fi`;

function recordingCommand(R: string, M: string): string {
  return [
    `R=${shellQuote(R)}; M=${shellQuote(M)}`,
    `echo "recording $(${kindScript('$R')}) $(readlink "$R")"`,
    `echo "monitor $(${kindScript('$M')}) $(readlink "$M")"`,
    `echo "real-recording $(readlink -f "$R")"`,
    `echo "real-monitor $(readlink -f "$M")"`,
    `echo "entries $(ls -A "$R" 2>/dev/null | wc -l)"`,
  ].join('; ');
}

function mediaCommand(D: string, S: string): string {
  return [
    `D=${shellQuote(D)}; S=${shellQuote(S)}`,
    `if [ -d "$D" ]; then echo "media-dir yes $(stat -c '%U:%G %a' "$D")"; else echo "media-dir no"; fi`,
    `echo "sounds-link $(${kindScript('$S')}) $(readlink "$S")"`,
    `if id asterisk >/dev/null 2>&1; then echo "asterisk-user yes"; else echo "asterisk-user no"; fi`,
  ].join('; ');
}

/** Asks each endpoint in turn and prints the first whose details say webrtc yes/true. */
function webrtcCommand(ids: string[]): string {
  if (!ids.length) return 'echo "no endpoints"';
  const list = ids.map((id) => shellQuote(id)).join(' ');
  return `for e in ${list}; do out=$(asterisk -rx "pjsip show endpoint $e"); if printf '%s\\n' "$out" | grep -qiE '^[[:space:]]*webrtc[[:space:]]+:[[:space:]]*(yes|true)'; then echo "endpoint $e"; printf '%s\\n' "$out"; exit 0; fi; done; echo "none of ${ids.length} endpoint(s) has webrtc: yes"`;
}

export function endpointOrder(endpoints: string[], softphone?: string): string[] {
  const ids = softphone && endpoints.includes(softphone) ? [softphone, ...endpoints.filter((e) => e !== softphone)] : endpoints;
  return ids.slice(0, MAX_ENDPOINTS_ASKED);
}

export async function gatherFsFacts(shell: RemoteShell, inputs: FactInputs, at: { paths: PbxPaths; freepbx: boolean; endpoints: string[] }): Promise<FsFacts> {
  const { paths, freepbx } = at;
  const items: { key: string; command: string }[] = [];
  const candidates = CONF_FILES.map((f) => `${paths.etc}/${f}`);
  candidates.forEach((f, i) => items.push({ key: `file${i}`, command: `cat -- ${shellQuote(f)}` }));
  const R = `${paths.spool}/recording`;
  const M = `${paths.spool}/monitor`;
  items.push({ key: 'recording', command: recordingCommand(R, M) });
  const D = `${paths.prefix}${inputs.mediaDir}`;
  const S = `${paths.sounds}/ai-generated`;
  items.push({ key: 'media', command: mediaCommand(D, S) });
  items.push({ key: 'webrtc', command: webrtcCommand(endpointOrder(at.endpoints, inputs.softphoneEndpoint)) });

  const got = await runBatch(shell, items, true);
  const text = (key: string) => got[key]?.output ?? '';
  const evidence: Record<string, Evidence> = {};
  for (const it of items) if (!it.key.startsWith('file')) evidence[it.key] = { command: it.key === 'webrtc' ? 'pjsip show endpoint <id> for each endpoint until one has webrtc: yes' : it.command, output: trimOutput(text(it.key)) };

  const files: Record<string, string | undefined> = {};
  candidates.forEach((f, i) => (files[f] = got[`file${i}`]?.code === 0 ? got[`file${i}`]!.output : undefined));
  const confFiles = freepbx
    ? { http: `${paths.etc}/http_custom.conf`, ari: `${paths.etc}/ari_additional_custom.conf`, extensions: `${paths.etc}/extensions_custom.conf` }
    : { http: `${paths.etc}/http.conf`, ari: `${paths.etc}/ari.conf`, extensions: `${paths.etc}/extensions.conf` };

  const field = (t: string, name: string) => new RegExp(`^${name} ?(.*)$`, 'm').exec(t)?.[1]?.trim() ?? '';
  const recOut = text('recording');
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
  const webrtcOut = text('webrtc');
  const id = /^endpoint (\S+)$/m.exec(webrtcOut)?.[1];
  const detail = id ? parsePjsipShowEndpoint(webrtcOut, id) : undefined;
  const webrtcEndpoint = detail && truthy(detail.params.webrtc) ? detail : undefined;
  return { evidence, files, confFiles, recording, media, ...(webrtcEndpoint ? { webrtcEndpoint } : {}) };
}
