/** Small helpers for outgoing HTTP requests (tools, webhooks): a size-capped body read, readable errors, UTF-8 cuts. */

/** Reads at most `max + 1` bytes of a response body (then stops the download). */
export async function readCapped(res: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const parts: Buffer[] = [];
  let size = 0;
  try {
    while (size <= max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
      size += value.length;
    }
  } finally {
    if (size > max) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  const cut = truncateUtf8(Buffer.concat(parts).toString('utf8'), max);
  return { text: cut.text, truncated: cut.truncated || size > max };
}

export function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e.name === 'AbortError') return 'cancelled (the call ended)';
  return `cannot reach the server (${e.cause?.code ?? e.message})`;
}

/** Cuts text to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean; bytes: number } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, truncated: false, bytes: buf.length };
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return { text: buf.subarray(0, end).toString('utf8'), truncated: true, bytes: buf.length };
}
