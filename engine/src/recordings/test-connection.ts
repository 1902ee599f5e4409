/**
 * Test Connection: list the stored recordings, then fetch the head of one of
 * them, and turn what happened into a diagnosis (see diagnosis.ts).
 */
import type { ConnectionDiagnosis } from '../api/recordings.js';
import { AriRecordingsClient, AriConnectError, fetchCertificateFingerprint, type AriEndpoint } from './ari-recordings-client.js';
import { diagnose, type ProbeReport } from './diagnosis.js';
import { parseRecordingName } from './freepbx-name.js';
import { toRemoteRecording, type RemoteRecording } from './sync-plan.js';
import { verifyDownload } from './verify-download.js';

const UNTRUSTED_CODES = /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|ALTNAME|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/;

/** Prefers a FreePBX call recording (the ones that need the symlink) for the download check. */
function pickSample(list: unknown[]): RemoteRecording | undefined {
  const valid = list.map(toRemoteRecording).filter((r): r is RemoteRecording => typeof r !== 'string');
  return valid.find((r) => parseRecordingName(r.name).freepbx) ?? valid[0];
}

export async function testConnection(endpoint: AriEndpoint, opts: { timeoutMs?: number } = {}): Promise<ConnectionDiagnosis> {
  const report: ProbeReport = { host: endpoint.host, port: endpoint.port, tls: endpoint.tls };
  const client = new AriRecordingsClient(endpoint, { timeoutMs: opts.timeoutMs ?? 8000, maxSockets: 1 });
  try {
    let listing;
    try {
      listing = await client.listStored();
    } catch (err) {
      const e = err instanceof AriConnectError ? err : new AriConnectError('UNKNOWN', String(err));
      if (e.code === 'CERT_PIN_MISMATCH') {
        report.pinMismatch = { pinned: endpoint.trustFingerprint ?? '', presented: e.presentedFingerprint ?? '' };
      } else {
        report.networkError = { code: e.code, message: e.message };
        if (!endpoint.tls && (e.code === 'ECONNRESET' || e.code.startsWith('HPE_'))) {
          // Does the port speak TLS? Then "Use TLS" is simply off.
          const fp = await fetchCertificateFingerprint(endpoint.host, endpoint.port, 2000).catch(() => undefined);
          if (fp) report.networkError = { code: 'PLAIN_ON_TLS', message: 'the port answers with TLS' };
        }
        if (endpoint.tls && UNTRUSTED_CODES.test(e.code)) {
          report.certificateFingerprint = await fetchCertificateFingerprint(endpoint.host, endpoint.port, opts.timeoutMs ?? 8000).catch(() => undefined);
        }
      }
      return diagnose(report);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(listing.body);
    } catch {
      parsed = undefined;
    }
    report.listing = { status: listing.status, body: listing.body.slice(0, 4096), count: Array.isArray(parsed) ? parsed.length : undefined };
    if (endpoint.tls && endpoint.trustFingerprint) report.certificateFingerprint = endpoint.trustFingerprint;
    const sample = listing.status === 200 && Array.isArray(parsed) ? pickSample(parsed) : undefined;
    if (sample) {
      const head: Buffer[] = [];
      try {
        const res = await client.download(sample.name, (c) => void head.push(c), { headOnly: 64 * 1024 });
        if (res.status !== 200) {
          let msg = res.errorBody ?? '';
          try {
            const m = (JSON.parse(msg) as { message?: string }).message;
            if (m) msg = m;
          } catch {
            // keep the raw text
          }
          report.download = { name: sample.name, status: res.status, ok: false, reason: `${res.bytes}-byte answer "${msg.trim().slice(0, 80)}"`, bytes: res.bytes };
        } else {
          const v = verifyDownload(Buffer.concat(head), res.expectedBytes ?? res.bytes, sample.format);
          report.download = v.ok ? { name: sample.name, status: 200, ok: true, bytes: res.bytes } : { name: sample.name, status: 200, ok: false, reason: v.message, bytes: res.bytes };
        }
      } catch (err) {
        const e = err as AriConnectError;
        report.download = { name: sample.name, status: 0, ok: false, reason: `${e.code ?? 'error'}: ${e.message}` };
      }
    }
    return diagnose(report);
  } finally {
    client.close();
  }
}
