/** Webhook signatures: X-AAVA-Signature: sha256=<hex HMAC-SHA256 of the raw body> (pure). */
import { createHmac } from 'node:crypto';

const SIGNATURE_HEADER = 'x-aava-signature';

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The headers every webhook request carries; the signature only when a secret is set. */
export function webhookHeaders(body: string, secret: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'AAVA-Desktop (webhook)',
    ...extra,
    ...(secret ? { [SIGNATURE_HEADER]: signBody(body, secret) } : {}),
  };
}
