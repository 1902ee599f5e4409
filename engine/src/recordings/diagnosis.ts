/**
 * Test Connection results → a diagnosis with the FreePBX fix (pure).
 * The causes follow what a FreePBX admin actually meets: http bindaddr or
 * firewall, TLS certificates, ari.conf credentials, res_ari_recordings not
 * loaded, and the recording-directory symlink that makes ARI refuse files.
 */
import type { ConnectionDiagnosis } from '../api/recordings.js';

/** What the probe saw, step by step; the first failing step decides. */
export interface ProbeReport {
  host: string;
  port: number;
  tls: boolean;
  /** A socket/TLS-level failure before any HTTP answer. */
  networkError?: { code: string; message: string; certificateFingerprint?: string };
  /** The pinned fingerprint did not match the presented certificate. */
  pinMismatch?: { pinned: string; presented: string };
  /** GET /ari/recordings/stored */
  listing?: { status: number; body: string; count?: number };
  /** GET /ari/recordings/stored/{name}/file of one listed recording. */
  download?: { name: string; status: number; ok: boolean; reason?: string; bytes?: number };
  certificateFingerprint?: string;
}

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const TLS_OTHER = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_REVOKED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ECONNRESET_TLS']);

const FIX = {
  bindaddr: (port: number) =>
    `Make Asterisk's HTTP server listen beyond localhost: put "[general]" and "bindaddr=0.0.0.0" in /etc/asterisk/http_custom.conf (not http_additional.conf, which FreePBX rewrites), run "fwconsole reload", and check that "asterisk -rx 'http show status'" says "Server Enabled and Bound to 0.0.0.0:${port}". If it is bound but still refuses, a firewall is rejecting port ${port}.`,
  firewall: (port: number) =>
    `Open TCP ${port} on the PBX ("fwconsole firewall --add=${port}/tcp", or "firewall-cmd --permanent --add-port=${port}/tcp && firewall-cmd --reload"), and add this machine's IP to the FreePBX firewall's trusted list. Also check that bindaddr=0.0.0.0 is set in /etc/asterisk/http_custom.conf.`,
  credentials: `Check the user's section in /etc/asterisk/ari.conf ("type = user", "password = ...", "password_format = plain"), make the username and password here match it exactly, then run "fwconsole reload".`,
  module: `Load the ARI recordings module: "asterisk -rx 'module load res_ari_recordings.so'" (and res_ari.so if missing), then check "asterisk -rx 'module show like ari'" lists res_ari_recordings.so as Running.`,
  ariMissing: `The HTTP server answered but not ARI: check "enabled = yes" in /etc/asterisk/ari.conf and load res_ari.so and res_ari_recordings.so ("module show like ari"). Make sure host and port point at Asterisk's HTTP server (8088, or 8089 with TLS).`,
  symlink: `ARI only serves files whose real path is inside its recording folder (/var/spool/asterisk/recording). Make that folder reach the MixMonitor files with a symlink pointing INTO it, e.g. "ln -s /var/spool/asterisk/monitor /var/spool/asterisk/recording" after removing the old folder (check with "readlink /var/spool/asterisk/recording"), or move monitor inside recording and link /var/spool/asterisk/monitor -> recording/monitor. A link the other way round (recording/monitor -> ../monitor) lists recordings but refuses every download. Then reload the module: "module unload res_ari_recordings.so" and "module load res_ari_recordings.so".`,
  tlsUntrusted: `The PBX's certificate is not signed by a trusted authority (FreePBX ships a self-signed one). Compare the SHA-256 fingerprint shown here with the PBX's ("openssl x509 -noout -fingerprint -sha256 -in <cert>", the certfile from http.conf), then choose "Trust this certificate". Or install a certificate from a trusted CA in FreePBX's Certificate Management.`,
  tlsChanged: `The PBX now presents a different certificate than the one you trusted. If you renewed or replaced it, check the new fingerprint on the PBX and trust it again; otherwise something may be intercepting the connection — do not trust it.`,
  tlsWrongPort: `TLS is on but the port does not speak TLS (8088 is plain HTTP). Use port 8089 with TLS, or turn TLS off for 8088. For 8089, http.conf needs "tlsenable=yes" and "tlsbindaddr=0.0.0.0:8089".`,
  plainOnTls: `The port answered with TLS while "Use TLS" is off: turn TLS on (8089 is Asterisk's HTTPS port) or use 8088.`,
};

function statusMessage(status: number, body: string): string {
  let msg = '';
  try {
    const v = JSON.parse(body) as { message?: unknown; error?: unknown };
    msg = typeof v.message === 'string' ? v.message : typeof v.error === 'string' ? v.error : '';
  } catch {
    msg = body.replace(/\s+/g, ' ').trim().slice(0, 80);
  }
  return msg ? `${status} "${msg}"` : `${status}`;
}

function isAriJson404(body: string): boolean {
  try {
    const v = JSON.parse(body) as { message?: unknown };
    return typeof v.message === 'string';
  } catch {
    return false;
  }
}

/** Why one file could not be fetched although the listing worked, with the fix. */
export function downloadFailureReason(status: number, body: string | undefined, verifyMessage?: string): string {
  if (status === 401) return `401 while downloading: the credentials stopped working. ${FIX.credentials}`;
  if (status === 200 && verifyMessage) {
    if (/JSON error/.test(verifyMessage)) return `${verifyMessage}. ARI listed the recording but would not serve it: the recording directory symlink is wrong. ${FIX.symlink}`;
    return verifyMessage;
  }
  if (status === 404) return `404 ${statusMessage(404, body ?? '').replace(/^404 ?/, '')} although the recording is listed: ARI will not serve the file, so the recording directory symlink is wrong. ${FIX.symlink}`;
  return `the server answered ${statusMessage(status, body ?? '')}`;
}

export function diagnose(r: ProbeReport): ConnectionDiagnosis {
  const where = `${r.tls ? 'https' : 'http'}://${r.host}:${r.port}`;
  const fp = r.certificateFingerprint ?? r.networkError?.certificateFingerprint;
  const withFp = (d: ConnectionDiagnosis): ConnectionDiagnosis => (fp ? { ...d, certificateFingerprint: fp } : d);

  if (r.pinMismatch) {
    return withFp({
      ok: false,
      cause: 'tls_changed',
      message: `${where}: the certificate changed (trusted ${r.pinMismatch.pinned}, now ${r.pinMismatch.presented}); the connection was refused.`,
      fix: FIX.tlsChanged,
      certificateFingerprint: r.pinMismatch.presented,
    });
  }
  const ne = r.networkError;
  if (ne) {
    if (ne.code === 'ECONNREFUSED') return { ok: false, cause: 'refused', message: `${where}: connection refused.`, fix: FIX.bindaddr(r.port) };
    if (ne.code === 'ETIMEDOUT' || ne.code === 'ESOCKETTIMEDOUT' || ne.code === 'EHOSTUNREACH' || ne.code === 'ENETUNREACH') {
      return { ok: false, cause: 'timeout', message: `${where}: no answer (${ne.code}).`, fix: FIX.firewall(r.port) };
    }
    if (TLS_UNTRUSTED.has(ne.code)) {
      return withFp({ ok: false, cause: 'tls_untrusted', message: `${where}: the certificate is not trusted (${ne.code}).`, fix: FIX.tlsUntrusted });
    }
    if (ne.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (ne.code === 'EPROTO' && /wrong version number|packet length too long|http request/i.test(ne.message))) {
      return { ok: false, cause: 'tls', message: `${where}: TLS handshake failed (${ne.message}).`, fix: FIX.tlsWrongPort };
    }
    if (ne.code === 'HPE_INVALID_CONSTANT' || ne.code === 'HPE_INVALID_HEADER_TOKEN' || ne.code === 'PLAIN_ON_TLS') {
      return { ok: false, cause: 'tls', message: `${where}: the server did not answer plain HTTP (${ne.code}).`, fix: FIX.plainOnTls };
    }
    if (TLS_OTHER.has(ne.code) || ne.code.startsWith('ERR_TLS') || ne.code.startsWith('ERR_SSL') || /certificate|ssl|tls/i.test(ne.message)) {
      const fix = ne.code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `${FIX.tlsUntrusted} The name or IP in Host must be in the certificate, or trust this certificate by fingerprint.` : FIX.tlsUntrusted;
      return withFp({ ok: false, cause: 'tls', message: `${where}: TLS error ${ne.code}: ${ne.message}`, fix });
    }
    if (ne.code === 'ENOTFOUND' || ne.code === 'EAI_AGAIN') {
      return { ok: false, cause: 'unknown', message: `${where}: the host name "${r.host}" does not resolve (${ne.code}).`, fix: 'Use the PBX IP address or a name this machine can resolve.' };
    }
    if (ne.code === 'ECONNRESET' || ne.code === 'EPIPE') {
      return { ok: false, cause: 'refused', message: `${where}: the connection was closed by the server (${ne.code}).`, fix: `${FIX.firewall(r.port)} If TLS is on, also check the port speaks TLS.` };
    }
    return { ok: false, cause: 'unknown', message: `${where}: ${ne.code}: ${ne.message}` };
  }

  const l = r.listing;
  if (!l) return withFp({ ok: false, cause: 'unknown', message: `${where}: no answer to the listing request.` });
  if (l.status === 401) return withFp({ ok: false, cause: 'unauthorized', message: `${where}: 401 — the username or password is wrong.`, fix: FIX.credentials });
  if (l.status === 403) {
    return withFp({
      ok: false,
      cause: 'forbidden',
      message: `${where}: 403 ${statusMessage(l.status, l.body)} on a read. Sync only reads, so a user with "read_only = yes" is fine for it (and recommended); a 403 on GET means something else refuses this user or address.`,
      fix: `Check the user in /etc/asterisk/ari.conf and any proxy or ACL in front of Asterisk's HTTP server.`,
    });
  }
  if (l.status === 404) {
    if (isAriJson404(l.body)) {
      return withFp({ ok: false, cause: 'module_missing', message: `${where}: ${statusMessage(404, l.body)} for /ari/recordings/stored — res_ari_recordings is not loaded.`, fix: FIX.module });
    }
    return withFp({ ok: false, cause: 'module_missing', message: `${where}: 404 for /ari/recordings/stored, and not from ARI.`, fix: FIX.ariMissing });
  }
  if (l.status !== 200) return withFp({ ok: false, cause: 'unknown', message: `${where}: the listing answered ${statusMessage(l.status, l.body)}.` });
  if (l.count === undefined) return withFp({ ok: false, cause: 'unknown', message: `${where}: the listing is not a JSON array of recordings.`, fix: FIX.ariMissing });

  const readOnlyNote = 'Sync only reads, so an ARI user with "read_only = yes" is enough.';
  if (l.count === 0) {
    return withFp({
      ok: true,
      cause: 'no_recordings',
      message: `Connected to ${where}; ARI lists no recordings yet, so a download could not be tried. ${readOnlyNote}`,
      fix: `If calls are being recorded, ARI is looking in the wrong folder. ${FIX.symlink}`,
      recordingsListed: 0,
    });
  }
  const d = r.download;
  if (d && !d.ok && d.status !== 404 && !/JSON error/.test(d.reason ?? '')) {
    return withFp({ ok: false, cause: 'unknown', message: `${where}: ${l.count} recordings listed, but downloading "${d.name}" failed (${d.status || 'no answer'}${d.reason ? `: ${d.reason}` : ''}).`, recordingsListed: l.count });
  }
  if (d && !d.ok) {
    return withFp({
      ok: false,
      cause: 'symlink',
      message: `${where}: ${l.count} recordings listed, but downloading "${d.name}" failed (${d.status}${d.reason ? `: ${d.reason}` : ''}).`,
      fix: FIX.symlink,
      recordingsListed: l.count,
    });
  }
  return withFp({ ok: true, cause: 'ok', message: `Connected to ${where}: ${l.count} recordings listed and a download checked. ${readOnlyNote}`, recordingsListed: l.count });
}
