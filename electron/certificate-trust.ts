/**
 * Trust for a PBX's self-signed certificate, limited to the softphone's own
 * WSS server: the admin sees the SHA-256 fingerprint once and accepts it;
 * it is then pinned per host:port, and a different certificate is refused.
 * Every other certificate error keeps Chromium's default (reject).
 */

export type CertificateDecision =
  | { action: 'trust' }
  | { action: 'ask'; hostPort: string }
  | { action: 'reject'; reason: 'not_softphone' | 'changed'; hostPort?: string };

/** host:port of a wss:/https: URL with the scheme's default port filled in. */
export function hostPortOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'wss:' && u.protocol !== 'https:') return undefined;
    return `${u.hostname.toLowerCase()}:${u.port || '443'}`;
  } catch {
    return undefined;
  }
}

export function decideCertificate(
  url: string,
  fingerprint: string,
  softphoneUrls: readonly string[],
  pinned: Readonly<Record<string, string>>,
): CertificateDecision {
  const hostPort = hostPortOf(url);
  const allowed = new Set(softphoneUrls.map(hostPortOf).filter((h): h is string => h !== undefined));
  if (!hostPort || !allowed.has(hostPort)) return { action: 'reject', reason: 'not_softphone' };
  const known = pinned[hostPort];
  if (known === undefined) return { action: 'ask', hostPort };
  return known === fingerprint ? { action: 'trust' } : { action: 'reject', reason: 'changed', hostPort };
}

export interface CertificateTrustDeps {
  softphoneUrls(): readonly string[];
  pinned(): Readonly<Record<string, string>>;
  pin(hostPort: string, fingerprint: string): void;
  /** Shows the fingerprint; resolves true when the admin accepts it. */
  ask(hostPort: string, fingerprint: string, issuer: string): Promise<boolean>;
  warn(hostPort: string, message: string): void;
}

export interface CertificateLike {
  fingerprint: string;
  issuerName?: string;
}

/** The `certificate-error` listener: (event, webContents, url, error, certificate, callback). */
export function createCertificateErrorHandler(deps: CertificateTrustDeps) {
  const asking = new Map<string, Promise<boolean>>();
  return (event: { preventDefault(): void }, _contents: unknown, url: string, _error: string, cert: CertificateLike, callback: (trusted: boolean) => void): void => {
    const decision = decideCertificate(url, cert.fingerprint, deps.softphoneUrls(), deps.pinned());
    if (decision.action === 'reject') {
      if (decision.reason === 'changed') {
        deps.warn(decision.hostPort!, `The certificate of ${decision.hostPort} changed since you trusted it (now ${cert.fingerprint}). Refused: check the PBX before trusting it again.`);
      }
      callback(false);
      return;
    }
    event.preventDefault();
    if (decision.action === 'trust') {
      callback(true);
      return;
    }
    const key = `${decision.hostPort}|${cert.fingerprint}`;
    let pending = asking.get(key);
    if (!pending) {
      pending = deps.ask(decision.hostPort, cert.fingerprint, cert.issuerName ?? 'unknown issuer').finally(() => asking.delete(key));
      asking.set(key, pending);
    }
    void pending.then((ok) => {
      if (ok) deps.pin(decision.hostPort, cert.fingerprint);
      callback(ok);
    });
  };
}
