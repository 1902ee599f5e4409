/**
 * The softphone's prerequisites, judged from what Asterisk says (pure): a WSS
 * transport (`pjsip show transports`), HTTPS on (`http show status`: WSS rides
 * on the HTTP server's TLS port), and an endpoint whose `pjsip show endpoint`
 * has webrtc: yes with DTLS media encryption, ICE, AVPF and a DTLS certificate.
 * No config file is read: the PBX's config may live anywhere.
 */
import type { CheckResult } from '../api/doctor.js';
import { judgeWebrtcEndpoint } from './cli-parsers-settings.js';
import { check } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';

export function webrtcCheck(f: PbxFacts): CheckResult {
  const wss = f.transports.find((t) => t.type === 'wss');
  const problems: string[] = [];
  if (!wss) problems.push('no WSS transport in `pjsip show transports` (add a transport with protocol=wss)');
  if (!f.http?.tlsEnabled) problems.push("HTTPS is off in `http show status` (WSS rides on the HTTP server's TLS port, 8089)");
  const e = f.webrtcEndpoint;
  if (!e) {
    const none = f.endpoints.length ? `none of the ${f.endpoints.length} endpoint(s) in \`pjsip show endpoints\` has webrtc: yes` : 'no PJSIP endpoints';
    problems.push(`${none}${f.freepbx ? ' (FreePBX: extension → Advanced → Enable WebRTC defaults)' : ' (set webrtc=yes on the softphone\'s endpoint)'}`);
  } else {
    const v = judgeWebrtcEndpoint(e);
    if (!v.dtls) problems.push(`endpoint ${e.id}: media_encryption is ${e.params.media_encryption || 'empty'}, not dtls`);
    if (!v.ice) problems.push(`endpoint ${e.id}: ice_support is off`);
    if (!v.avpf) problems.push(`endpoint ${e.id}: use_avpf is off`);
    if (!v.certificate) problems.push(`endpoint ${e.id}: no DTLS certificate (dtls_cert_file, or dtls_auto_generate_cert=yes)`);
  }
  const ev = [f.evidence.transports, f.evidence.http, f.evidence.endpoints, f.evidence.webrtc];
  if (!problems.length) return check('webrtc', `WebRTC softphone: ${wss!.id}, HTTPS, endpoint ${e!.id} (webrtc, DTLS, ICE)`, 'pass', ev);
  return check('webrtc', 'WebRTC softphone prerequisites', 'warn', ev, `${problems.join('; ')}. Only needed for the built-in softphone.`);
}
