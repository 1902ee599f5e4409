/**
 * ARI stored recordings served from the fake PBX filesystem the way Asterisk
 * does it: the listing walks <spool>/recording (following symlinks), names
 * carry no extension, a download must use %2F, and a file whose real path is
 * outside the real recording dir answers 404 {"message":"Recording not found"}
 * (33 bytes with pretty=no).
 */
import { createServer, type Server } from 'node:http';
import { readdirSync, statSync, readFileSync, realpathSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';

export interface FakeAri {
  port: number;
  requests: string[];
  close(): Promise<void>;
}

function walk(dir: string, prefix = ''): { name: string; format: string }[] {
  if (!existsSync(dir)) return [];
  const out: { name: string; format: string }[] = [];
  for (const e of readdirSync(dir)) {
    const full = join(dir, e);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...walk(full, `${prefix}${e}/`));
    else if (extname(e)) out.push({ name: `${prefix}${e.slice(0, -extname(e).length)}`, format: extname(e).slice(1) });
  }
  return out;
}

export function startFakeAri(spool: string, creds: { username: string; password: string }): Promise<FakeAri> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: string | Buffer, type = 'application/json') => {
      res.writeHead(status, { 'Content-type': type });
      res.end(body);
    };
    const auth = req.headers.authorization ?? '';
    if (auth !== `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
      return send(401, '{"message":"Authentication required"}');
    }
    const rec = join(spool, 'recording');
    const url = (req.url ?? '').split('?')[0]!;
    if (url === '/ari/recordings/stored') return send(200, JSON.stringify(walk(rec)));
    const m = /^\/ari\/recordings\/stored\/([^/]+)\/file$/.exec(url);
    if (!m) return send(404, '{"message":"Resource not found"}');
    const name = decodeURIComponent(m[1]!);
    const hit = walk(rec).find((r) => r.name === name);
    if (!hit) return send(404, '{"message":"Recording not found"}');
    const file = join(rec, `${name}.${hit.format}`);
    const real = realpathSync(file);
    const realDir = realpathSync(rec);
    if (!real.startsWith(`${realDir}/`)) return send(404, '{"message":"Recording not found"}');
    return send(200, readFileSync(file), 'audio/wav');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        requests,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}
