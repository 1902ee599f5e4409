/**
 * The pre-call lookup (webhooks.pre_call): POST {call_id, caller_number,
 * caller_name, context, dnid} to the business's system as the call starts,
 * in parallel with answering and media setup. Its reply's flat values become
 * template variables. The greeting never waits longer than `timeout_ms`; a
 * failure or timeout only loses the variables.
 */
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type { preCallSchema } from '../config/integrations-schema.js';
import type { PreCallRecord } from '../api/integrations.js';
import { parseLookupReply } from './call-variables.js';
import { webhookHeaders } from './signature.js';
import { readCapped, describeFetchError } from '../util/http-body.js';

export type PreCallConfig = z.infer<typeof preCallSchema>;

export interface PreCallRequest {
  call_id: string;
  caller_number: string | null;
  caller_name: string | null;
  context: string;
  dnid: string | null;
}

const MAX_REPLY_BYTES = 64 * 1024;

export async function lookupCaller(cfg: PreCallConfig, req: PreCallRequest, signal?: AbortSignal): Promise<PreCallRecord> {
  const started = performance.now();
  const at = new Date().toISOString();
  const done = (r: Omit<PreCallRecord, 'durationMs' | 'at'>): PreCallRecord => ({ ...r, durationMs: Math.round(performance.now() - started), at });
  const timeout = AbortSignal.timeout(cfg.timeout_ms);
  const body = JSON.stringify(req);
  try {
    const res = await fetch(cfg.url, {
      method: 'POST',
      headers: { accept: 'application/json', ...webhookHeaders(body, cfg.secret, cfg.headers) },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const { text, truncated } = await readCapped(res, MAX_REPLY_BYTES);
    if (!res.ok) return done({ status: 'error', variables: {}, error: `HTTP ${res.status}` });
    if (truncated) return done({ status: 'error', variables: {}, error: `reply larger than ${MAX_REPLY_BYTES} bytes` });
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      return done({ status: 'error', variables: {}, error: 'the reply is not JSON' });
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return done({ status: 'error', variables: {}, error: 'the reply is not a JSON object' });
    return done({ status: 'ok', variables: parseLookupReply(json).variables });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return done({ status: timedOut ? 'timeout' : 'error', variables: {}, error: describeFetchError(err, cfg.timeout_ms) });
  }
}
