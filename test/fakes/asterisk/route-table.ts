/**
 * The fake's REST surface as data: each route says its swagger resource,
 * nickname and parameters, so the same table serves requests and, when the
 * real api-docs are absent, a minimal Swagger 1.1 description for ari-client.
 */
import type { Reply } from './http-util.js';

export interface ParamSpec {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  type?: 'string' | 'int' | 'long' | 'boolean' | 'containers';
}

export interface RouteCall {
  path: Record<string, string>;
  query: Record<string, string>;
  /** Request JSON body (e.g. originate `variables`). */
  body: Record<string, unknown>;
  user: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  path: string;
  resource: string;
  nickname: string;
  params: ParamSpec[];
  responseClass: string;
  handle(call: RouteCall): Promise<Reply> | Reply;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

export function compile(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => {
    const keys: string[] = [];
    const src = r.path.replace(/\{(\w+)\}/g, (_m, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    return { ...r, regex: new RegExp(`^${src}$`), keys };
  });
}

/** Finds the route; `methodMismatch` when the path exists with another method (405). */
export function match(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | { methodMismatch: boolean } {
  let pathSeen = false;
  // Literal segments win over {params} (e.g. /channels/externalMedia vs /channels/{channelId}).
  const ordered = [...routes].sort((a, b) => a.keys.length - b.keys.length);
  for (const r of ordered) {
    const m = r.regex.exec(path);
    if (!m) continue;
    pathSeen = true;
    if (r.method !== method) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
    return { route: r, params };
  }
  return { methodMismatch: pathSeen };
}

/** Minimal Swagger 1.1 (resource listing + declarations) generated from the route table. */
export function minimalSwagger(routes: Route[], basePath: string): { resources: unknown; declarations: Map<string, unknown> } {
  const byResource = new Map<string, Route[]>();
  for (const r of routes) byResource.set(r.resource, [...(byResource.get(r.resource) ?? []), r]);
  byResource.set('events', byResource.get('events') ?? []);
  const declarations = new Map<string, unknown>();
  for (const [resource, list] of byResource) {
    const apis = new Map<string, { path: string; operations: unknown[] }>();
    for (const r of list) {
      const api = apis.get(r.path) ?? { path: r.path, operations: [] };
      api.operations.push({
        httpMethod: r.method,
        nickname: r.nickname,
        responseClass: r.responseClass,
        parameters: r.params.map((p) => ({
          name: p.name,
          paramType: p.in,
          required: p.required ?? p.in === 'path',
          allowMultiple: false,
          dataType: p.type ?? 'string',
        })),
      });
      apis.set(r.path, api);
    }
    declarations.set(resource, {
      apiVersion: '2.0.0',
      swaggerVersion: '1.1',
      basePath,
      resourcePath: `/api-docs/${resource}.{format}`,
      apis: [...apis.values()],
      models: {},
    });
  }
  const resources = {
    apiVersion: '10.0.0',
    swaggerVersion: '1.1',
    basePath,
    apis: [...declarations.keys()].map((name) => ({ path: `/api-docs/${name}.{format}`, description: `${name} resources` })),
  };
  return { resources, declarations };
}
