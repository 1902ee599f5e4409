/**
 * app://local/…        the built renderer (out/renderer), with the CSP header on every response;
 * aava-media://local/… media the engine services expose (recordings audio …) via resolveMedia.
 * Path handling and byte ranges are pure and tested; the handlers only do file I/O.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { APP_HOST, APP_ORIGIN } from './channels.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
};

function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file inside `root`; undefined when it would escape it.
 * Paths without an extension that are not files fall back to index.html (client-side routes).
 */
export function resolveAppAsset(root: string, urlPath: string, isFile: (p: string) => boolean = statSafe): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  // Normalising an absolute POSIX path can never climb above "/", so the result stays inside root.
  const rel = posix.normalize(`/${decoded}`).replace(/^\/+/, '');
  const file = rel === '' ? join(root, 'index.html') : join(root, ...rel.split('/'));
  if (isFile(file)) return file;
  if (extname(rel) === '') return join(root, 'index.html');
  return undefined;
}

function statSafe(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

/** Parses a single `Range: bytes=a-b` header. null: no/unsupported header (send all); 'invalid': 416. */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

function fileResponse(file: string, contentType: string, range: string | null, headers: Record<string, string>): Response {
  const size = statSync(file).size;
  const r = parseRange(range, size);
  const base = { 'content-type': contentType, 'accept-ranges': 'bytes', ...headers };
  if (r === 'invalid') return new Response(null, { status: 416, headers: { ...base, 'content-range': `bytes */${size}` } });
  const start = r?.start ?? 0;
  const end = r?.end ?? size - 1;
  const body = size === 0 ? null : (Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream);
  return new Response(body, {
    status: r ? 206 : 200,
    headers: { ...base, 'content-length': String(size === 0 ? 0 : end - start + 1), ...(r ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) },
  });
}

export interface AppProtocolOptions {
  rendererDir: string;
  csp: () => string;
  /** Extra generated pages by path (e.g. the start-up error page). */
  page?: (path: string) => string | undefined;
}

export function createAppHandler(opts: AppProtocolOptions): (req: Request) => Response {
  return (req) => {
    const url = new URL(req.url);
    const security = {
      'content-security-policy': opts.csp(),
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
    };
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const generated = opts.page?.(url.pathname);
    if (generated !== undefined) return new Response(generated, { headers: { 'content-type': CONTENT_TYPES['.html']!, ...security } });
    const file = resolveAppAsset(opts.rendererDir, url.pathname);
    if (!file || !existsSync(file)) {
      const msg = file ? `${file} is missing: build the renderer (npm run build:renderer)` : 'not found';
      return new Response(msg, { status: 404, headers: { 'content-type': CONTENT_TYPES['.txt']!, ...security } });
    }
    return fileResponse(file, contentTypeFor(file), req.headers.get('range'), security);
  };
}

export type MediaResolver = (path: string) => { file: string; contentType: string } | undefined;

/**
 * aava-media://local/<service path>; the first service that knows the path answers.
 * The page (app://local) fetches it cross-origin (waveforms, downloads), so every answer
 * carries CORS for the app origin — and only for it.
 */
export function createMediaHandler(resolveMedia: MediaResolver): (req: Request) => Response {
  const cors = { 'access-control-allow-origin': APP_ORIGIN, 'access-control-expose-headers': 'content-length, content-range, accept-ranges', vary: 'origin' };
  const text = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': CONTENT_TYPES['.txt']!, ...cors } });
  return (req) => {
    const url = new URL(req.url);
    if (url.host !== 'local') return text(404, 'not found');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    } catch {
      return text(400, 'bad path');
    }
    if (!path || path.split('/').includes('..')) return text(400, 'bad path');
    const hit = resolveMedia(path);
    if (!hit || !existsSync(hit.file)) return text(404, `no media at ${path}`);
    return fileResponse(hit.file, hit.contentType, req.headers.get('range'), { 'cache-control': 'no-store', ...cors });
  };
}
