/**
 * Dispatches control-API calls: validates arguments against the contract's
 * zod schemas, then runs the handler a service registered. Methods no service
 * registered answer `not_available` (e.g. recordings sync disabled).
 */
import { apiMethods, ApiError, type MethodName, type ApiHandler, type ApiErrorBody } from '../api/index.js';
import { formatIssues } from '../config/format-issues.js';

export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

export class ApiRouter {
  private handlers = new Map<MethodName, ApiHandler<MethodName>>();

  handle<M extends MethodName>(method: M, handler: ApiHandler<M>): void {
    this.handlers.set(method, handler as unknown as ApiHandler<MethodName>);
  }

  handleAll(handlers: { [M in MethodName]?: ApiHandler<M> }): void {
    for (const [m, h] of Object.entries(handlers)) if (h) this.handle(m as MethodName, h as ApiHandler<MethodName>);
  }

  has(method: string): method is MethodName {
    return Object.hasOwn(apiMethods, method);
  }

  kindOf(method: MethodName): 'query' | 'command' {
    return apiMethods[method].kind;
  }

  async invoke(method: string, rawArgs: unknown): Promise<InvokeResult> {
    if (!this.has(method)) return { ok: false, error: { code: 'not_found', message: `unknown method "${method}"` } };
    const spec = apiMethods[method];
    const parsed = spec.args.safeParse(rawArgs ?? undefined);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error, rawArgs);
      return {
        ok: false,
        error: { code: 'bad_request', message: `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues },
      };
    }
    const handler = this.handlers.get(method);
    if (!handler) return { ok: false, error: { code: 'not_available', message: `${method} is not available in this engine` } };
    try {
      const result = await handler(parsed.data as never);
      return { ok: true, result: result ?? null };
    } catch (err) {
      if (err instanceof ApiError) return { ok: false, error: err.toBody() };
      if (err && typeof err === 'object' && (err as { code?: unknown }).code === 'invalid_config') {
        const e = err as { message: string; issues?: ApiErrorBody['issues'] };
        return { ok: false, error: { code: 'invalid_config', message: e.message, ...(e.issues ? { issues: e.issues } : {}) } };
      }
      return { ok: false, error: { code: 'internal', message: (err as Error)?.message ?? String(err) } };
    }
  }
}
