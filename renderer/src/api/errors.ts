import type { ApiErrorBody, ApiErrorCode } from './contract';

/** Client-side codes on top of the contract's: the transport itself failed. */
export type ClientErrorCode = ApiErrorCode | 'disconnected' | 'timeout';

/** Every failed call surfaces as one of these: a stable code, a message, and the config path(s) at fault. */
export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly path?: string;
  readonly issues?: { path: string; message: string }[];
  readonly method?: string;

  constructor(body: { code: ClientErrorCode; message: string; path?: string; issues?: ApiErrorBody['issues'] }, method?: string) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    if (body.path !== undefined) this.path = body.path;
    if (body.issues !== undefined) this.issues = body.issues;
    if (method !== undefined) this.method = method;
  }
}

const CODES: readonly string[] = [
  'bad_request',
  'not_found',
  'not_available',
  'invalid_config',
  'conflict',
  'unauthorized',
  'internal',
  'disconnected',
  'timeout',
];

/** Turns whatever came over the wire into an ApiError (never throws). */
export function toApiError(raw: unknown, method?: string): ApiError {
  if (raw instanceof ApiError) return raw;
  if (raw && typeof raw === 'object') {
    const r = raw as Partial<ApiErrorBody> & { message?: unknown };
    const code = typeof r.code === 'string' && CODES.includes(r.code) ? (r.code as ClientErrorCode) : 'internal';
    const message = typeof r.message === 'string' ? r.message : String(raw);
    const body: ConstructorParameters<typeof ApiError>[0] = { code, message };
    if (typeof r.path === 'string') body.path = r.path;
    if (Array.isArray(r.issues)) body.issues = r.issues.filter((i) => i && typeof i.path === 'string' && typeof i.message === 'string');
    return new ApiError(body, method);
  }
  return new ApiError({ code: 'internal', message: String(raw) }, method);
}

export function isNotAvailable(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'not_available';
}
