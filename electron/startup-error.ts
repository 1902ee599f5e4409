/**
 * Start-up failures shown to the user instead of a crash: a bad config (the
 * path-named ConfigError), a port already taken (8090 AudioSocket, 18080+ RTP,
 * 15000 health/API), or anything else. Pure: classification and the page.
 */

export type StartupErrorKind = 'config' | 'port' | 'other';

export interface StartupProblem {
  kind: StartupErrorKind;
  title: string;
  /** Full text, already naming the file / YAML path / port. */
  message: string;
  /** What the user can do about it. */
  hint: string;
  port?: number;
  configPath: string;
}

/** Which config key owns a port, from the running config when known, else the shipped defaults. */
export interface PortOwners {
  audiosocket?: number;
  rtpRange?: { start: number; end: number };
  health?: number;
}

const DEFAULT_OWNERS: Required<PortOwners> = { audiosocket: 8090, rtpRange: { start: 18080, end: 18099 }, health: 15000 };

export function portOwner(port: number, owners: PortOwners = {}): string | undefined {
  const o = { ...DEFAULT_OWNERS, ...owners };
  if (port === o.audiosocket) return 'audiosocket.port';
  if (port === o.health) return 'health.port';
  if (port >= o.rtpRange.start && port <= o.rtpRange.end) return 'external_media.port_range';
  return undefined;
}

function errorPort(err: { port?: unknown; message?: string }): number | undefined {
  if (typeof err.port === 'number') return err.port;
  const msg = err.message ?? '';
  const m = /:(\d{2,5})\b(?!.*:\d)/.exec(msg) ?? /\bport\s+(\d{2,5})\b/i.exec(msg) ?? /\b(\d{4,5})\b/.exec(msg);
  return m ? Number(m[1]) : undefined;
}

/** Node's EADDRINUSE, or a wrapper that kept only the words (e.g. "health.port 15000 … is already in use"). */
function isPortInUse(code: unknown, message: string): boolean {
  return code === 'EADDRINUSE' || /EADDRINUSE|already in use|address in use|ports? in use/i.test(message);
}

export function classifyStartupError(err: unknown, configPath: string, owners?: PortOwners): StartupProblem {
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as {
    name?: string;
    code?: unknown;
    message?: string;
    port?: unknown;
    file?: string;
  };
  const message = e.message ?? String(err);
  if (e.name === 'ConfigError' || e.code === 'invalid_config') {
    return {
      kind: 'config',
      title: 'The configuration file has errors',
      message,
      hint: `Fix ${e.file ?? configPath} and choose Retry. The app keeps no half-loaded config.`,
      configPath: e.file ?? configPath,
    };
  }
  if (isPortInUse(e.code, message)) {
    const port = errorPort(e);
    const key = port !== undefined ? portOwner(port, owners) : undefined;
    return {
      kind: 'port',
      title: port !== undefined ? `Port ${port} is already in use` : 'A port is already in use',
      message: key ? `${configPath}: ${key}: port ${port} is in use by another program (${message})` : message,
      hint:
        'Another AAVA instance (e.g. `aava serve`) or another program holds it. Stop that program, or change ' +
        `${key ?? 'the port'} in the config, then choose Retry.`,
      ...(port !== undefined ? { port } : {}),
      configPath,
    };
  }
  return {
    kind: 'other',
    title: 'The engine could not start',
    message,
    hint: 'Check the config and the data folder, then choose Retry.',
    configPath,
  };
}

export type StartupAction = 'open-config' | 'retry' | 'open-data' | 'quit';
const ACTION_SCHEME = 'aava-action:';

/** Parses the links of the error page (`aava-action:retry`); undefined for anything else. */
export function parseStartupAction(url: string): StartupAction | undefined {
  if (!url.startsWith(ACTION_SCHEME)) return undefined;
  const a = url.slice(ACTION_SCHEME.length).replace(/^\/+/, '').replace(/\/+$/, '');
  return (['open-config', 'retry', 'open-data', 'quit'] as const).find((x) => x === a);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A self-contained page (no script at all); its buttons are links the main process intercepts. */
export function renderStartupErrorPage(p: StartupProblem): string {
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>AAVA Desktop — ${escapeHtml(p.title)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;padding:28px;background:#0f172a;color:#e2e8f0}
h1{font-size:18px;margin:0 0 12px;color:#fca5a5}
pre{white-space:pre-wrap;word-break:break-word;background:#1e293b;padding:12px;border-radius:6px;font-size:13px}
p{color:#cbd5e1}
nav{display:flex;gap:10px;margin-top:18px}
a{display:inline-block;padding:8px 14px;border-radius:6px;background:#334155;color:#f8fafc;text-decoration:none}
a.primary{background:#0f766e}
</style></head>
<body>
<h1>${escapeHtml(p.title)}</h1>
<pre>${escapeHtml(p.message)}</pre>
<p>${escapeHtml(p.hint)}</p>
<p>Config file: <code>${escapeHtml(p.configPath)}</code></p>
<nav>
<a class="primary" href="${ACTION_SCHEME}retry">Retry</a>
<a href="${ACTION_SCHEME}open-config">Open config</a>
<a href="${ACTION_SCHEME}open-data">Open data folder</a>
<a href="${ACTION_SCHEME}quit">Quit</a>
</nav>
</body></html>`;
}

/**
 * The engine starts even when a media transport cannot listen (it reports it
 * in /health instead): turn "cannot listen on 0.0.0.0:8090: EADDRINUSE" into
 * the same path-named problem so the user is told at start-up, not mid-call.
 */
export function transportPortProblems(
  transports: Record<string, { listening: boolean; reason?: string }>,
  configPath: string,
  owners?: PortOwners,
): StartupProblem[] {
  const out: StartupProblem[] = [];
  for (const [name, t] of Object.entries(transports)) {
    if (t.listening || !t.reason || !isPortInUse(undefined, t.reason)) continue;
    const p = classifyStartupError(new Error(`${name}: ${t.reason}`), configPath, owners);
    if (p.port === undefined) {
      // e.g. "all 20 RTP ports in use": no single port to name, but the key is known from the transport
      const key = /audiosocket/i.test(name) ? 'audiosocket.port' : 'external_media.port_range';
      p.message = `${configPath}: ${key}: ${name}: ${t.reason}`;
      p.hint = `Another program holds these ports. Stop it, or change ${key} in the config, then choose Retry.`;
    }
    out.push({ ...p, title: `${p.title} — ${name} calls cannot be answered` });
  }
  return out;
}
