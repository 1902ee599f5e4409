/**
 * An HTTP tool from `tools.http.<name>`: the model's arguments fill the URL
 * template (and the query or JSON body), the configured headers go along
 * (they may carry secrets), and the response, cut to `max_response_bytes`,
 * goes back to the model. Errors come back as readable results; nothing here
 * logs a URL or a header.
 */
import type { z } from 'zod';
import type { httpToolSchema } from '../config/integrations-schema.js';
import type { EngineTool, ToolResult } from './tool.js';
import { buildRequest, TemplateError } from './url-template.js';
import { readCapped, describeFetchError } from '../util/http-body.js';

export type HttpToolConfig = z.infer<typeof httpToolSchema>;

const USER_AGENT = 'AAVA-Desktop (tool)';

/** The response as the model sees it: parsed JSON when it is complete JSON, else text. */
function responseOutput(status: number, text: string, truncated: boolean): Record<string, unknown> {
  let body: unknown = text;
  if (!truncated) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  return { status, body, ...(truncated ? { truncated: true } : {}) };
}

export function createHttpTool(name: string, cfg: HttpToolConfig): EngineTool {
  return {
    name,
    spec: () => ({ name, description: cfg.description, parameters: cfg.parameters }),
    async run(args, ctx): Promise<ToolResult> {
      const a = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
      let req;
      try {
        req = buildRequest(cfg.url, cfg.method, a);
      } catch (err) {
        if (err instanceof TemplateError) return { ok: false, output: { error: err.message } };
        throw err;
      }
      const timeout = AbortSignal.timeout(cfg.timeout_ms);
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
      try {
        const res = await fetch(req.url, {
          method: cfg.method,
          headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', 'user-agent': USER_AGENT, ...(req.body ? { 'content-type': 'application/json' } : {}), ...cfg.headers },
          ...(req.body ? { body: JSON.stringify(req.body) } : {}),
          signal,
          redirect: 'follow',
        });
        const { text, truncated } = await readCapped(res, cfg.max_response_bytes);
        const output = responseOutput(res.status, text, truncated);
        if (res.ok) return { ok: true, output };
        return { ok: false, output: { error: `the server answered HTTP ${res.status}`, ...output } };
      } catch (err) {
        return { ok: false, output: { error: describeFetchError(err, cfg.timeout_ms) } };
      }
    },
  };
}
