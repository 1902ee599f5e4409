/**
 * Why a provider session failed, as one low-cardinality reason (pure). The
 * reason labels `ai_agent_provider_failures_total`, is stored with the call
 * (outcome `provider_error`) and decides whether the call reconnects first
 * (a realtime socket that dropped) or fails over.
 */
import type { ProviderFailureReason } from '../api/calls.js';

export type { ProviderFailureReason };

/** An error a provider session reports with its reason (and the HTTP status when there was one). */
export class ProviderError extends Error {
  constructor(
    readonly reason: ProviderFailureReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

const QUOTA_CODES = /insufficient_quota|rate_limit|quota|credits|billing/i;

/** The HTTP status of an SDK or fetch error (`status`, `statusCode`), if any. */
export function httpStatusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; statusCode?: unknown };
  const s = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return s !== undefined && s >= 100 && s < 600 ? s : undefined;
}

/** The reason an HTTP status (and an API error code or type) stands for; undefined when it is not an HTTP error. */
export function reasonForStatus(status: number | undefined, code?: string): ProviderFailureReason | undefined {
  if (status === 429 || status === 402 || (code && QUOTA_CODES.test(code))) return 'quota';
  if (status === undefined) return undefined;
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return undefined;
}

/**
 * The reason of any error a session reported: its own when it is a ProviderError, else from the HTTP
 * status and error code the SDKs attach (OpenAI: status + code, Deepgram: status / statusCode), else
 * `otherwise` (what failed: the LLM, the TTS, the connection…).
 */
function failureReason(err: unknown, otherwise: ProviderFailureReason): ProviderFailureReason {
  if (err instanceof ProviderError) return err.reason;
  const code = err && typeof err === 'object' ? [(err as { code?: unknown }).code, (err as { type?: unknown }).type].filter((v) => typeof v === 'string').join(' ') : '';
  return reasonForStatus(httpStatusOf(err), code || undefined) ?? otherwise;
}

/** Wraps any error as a ProviderError with its reason and `prefix: message` (e.g. "pipeline llm: 500 …"). */
export function asProviderError(err: unknown, otherwise: ProviderFailureReason, prefix?: string): ProviderError {
  if (err instanceof ProviderError && !prefix) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ProviderError(failureReason(err, otherwise), prefix ? `${prefix}: ${msg}` : msg, httpStatusOf(err));
}

/** A Realtime/agent API error object (`{type, code, message}`, e.g. a failed response's status_details.error). */
export function reasonForApiError(e: { type?: string; code?: string | null } | undefined, otherwise: ProviderFailureReason): ProviderFailureReason {
  const text = `${e?.type ?? ''} ${e?.code ?? ''}`;
  if (QUOTA_CODES.test(text)) return 'quota';
  if (/server_error|internal/i.test(text)) return 'http_5xx';
  if (/invalid_request|invalid_api_key|authentication|permission/i.test(text)) return 'http_4xx';
  return otherwise;
}

/** Error text for health/lastError without secrets or payloads. */
export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/(sk-|Bearer |Token )[A-Za-z0-9_\-.]{6,}/g, '$1[REDACTED]').slice(0, 300);
}
