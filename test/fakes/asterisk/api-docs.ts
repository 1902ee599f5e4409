/**
 * GET /ari/api-docs/*: the real Asterisk 22 Swagger files from
 * ../shared/fixtures/asterisk-22/ari/api-docs (read at run time, never
 * copied), with `basePath` rewritten to the request's Host as Asterisk does.
 * Without ../shared, a minimal description generated from the route table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fixturePath, hasFixtures } from '../../support/shared-fixtures.js';
import { minimalSwagger, type Route } from './route-table.js';
import type { Reply } from './http-util.js';

const cache = new Map<string, string>();

export function serveApiDocs(file: string, host: string, routes: Route[]): Reply {
  const basePath = `http://${host}/ari`;
  if (!/^[A-Za-z]+\.json$/.test(file)) return { status: 404, body: { message: 'Resource not found' } };
  if (hasFixtures) {
    const p = fixturePath('ari', 'api-docs', file);
    if (!existsSync(p)) return { status: 404, body: { message: 'Resource not found' } };
    let text = cache.get(p);
    if (text === undefined) {
      text = readFileSync(p, 'utf8');
      cache.set(p, text);
    }
    return { status: 200, body: text.replace(/"basePath": "[^"]*"/, `"basePath": "${basePath}"`) };
  }
  const { resources, declarations } = minimalSwagger(routes, basePath);
  if (file === 'resources.json') return { status: 200, body: resources };
  const decl = declarations.get(file.replace(/\.json$/, ''));
  return decl ? { status: 200, body: decl } : { status: 404, body: { message: 'Resource not found' } };
}
