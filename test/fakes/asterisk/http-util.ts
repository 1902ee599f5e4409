/** HTTP details as Asterisk 22 serves them (headers spelled `Content-type`, pretty JSON). */
import type { ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.error ?? status));
  }
}

/** `{"message": ...}` error as Asterisk sends most of them. */
export const fail = (status: number, message: string): AriHttpError => new AriHttpError(status, { message });

export function writeReply(res: ServerResponse, reply: Reply): void {
  res.setHeader('Server', 'Asterisk');
  res.setHeader('Date', new Date().toUTCString());
  res.setHeader('Cache-Control', 'no-cache, no-store');
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.body === undefined || reply.status === 204) {
    res.setHeader('Content-Length', '0');
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body, null, 2);
  res.setHeader('Content-type', 'application/json');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.writeHead(reply.status);
  res.end(text);
}
