/** A throwaway self-signed certificate for 127.0.0.1/localhost, made with the openssl CLI in a temp dir. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

export interface SelfSigned {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, `AA:BB:...`. */
  fingerprint256: string;
}

export function makeSelfSigned(cn = 'freepbx.test'): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'aava-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
