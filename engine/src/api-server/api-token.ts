/**
 * Who may use the control API and the media routes: anyone on loopback;
 * beyond loopback the engine refuses to start without api.token, and then
 * every request carries it (Bearer header, or ?token= for a browser's
 * WebSocket and <audio> element).
 */
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export type AccessCheck = (req: IncomingMessage, url: URL) => boolean;

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The access check for a server bound to `host`. Throws (naming the config keys) when a token is needed and unset. */
export function apiAccessCheck(host: string, token: string | undefined): AccessCheck {
  if (!isLoopback(host) && !token) {
    throw new Error(`health.host is ${host} (beyond loopback): set api.token (e.g. api: { token: \${AAVA_API_TOKEN} }) before exposing the control API`);
  }
  if (!token) return () => true;
  return (req, url) => {
    const h = req.headers.authorization;
    const bearer = h?.startsWith('Bearer ') ? h.slice(7) : undefined;
    return tokenMatches(bearer ?? url.searchParams.get('token'), token);
  };
}
