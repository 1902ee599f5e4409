/**
 * Pure parsers for the Asterisk CLI (`asterisk -rx "…"`) and `fwconsole -V`
 * output the doctor reads. Shapes follow real Asterisk 22 captures; every
 * parser tolerates the "not there" answers (0 modules loaded, no such
 * context, no such command, Asterisk not running).
 */

export interface AsteriskVersion {
  /** As printed, e.g. "22.10.1" or "certified-18.9-cert5". */
  version: string;
  major: number;
  minor: number;
}

/** True when `asterisk -rx` could not reach a running Asterisk. */
export function asteriskNotRunning(text: string): boolean {
  return /Unable to connect to remote asterisk|Is Asterisk running\?|asterisk\.ctl.*(No such file|Connection refused)/i.test(text);
}

/** True for the CLI's "No such command '…'" answer (module not loaded or typo). */
export function noSuchCommand(text: string): boolean {
  return /^No such command '/m.test(text);
}

export function parseCoreShowVersion(text: string): AsteriskVersion | undefined {
  const m = /^Asterisk\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  const version = m[1]!;
  const n = /(\d+)\.(\d+)/.exec(version);
  if (!n) return undefined;
  return { version, major: Number(n[1]), minor: Number(n[2]) };
}

/** `fwconsole -V` prints e.g. "FreePBX 16.0.41.1"; undefined when FreePBX is absent. */
export function parseFwconsoleVersion(text: string): string | undefined {
  if (/command not found|No such file or directory/i.test(text)) return undefined;
  const m = /FreePBX\D*?(\d+(?:\.\d+)+)/i.exec(text);
  return m?.[1];
}

export interface ModuleRow {
  /** File name as listed, e.g. "res_ari_applications.so". */
  module: string;
  description: string;
  useCount: number;
  /** "Running", "Not Running", … */
  status: string;
  support: string;
}

export interface ModuleTable {
  rows: ModuleRow[];
  /** The "N modules loaded" footer, when present. */
  loadedCount?: number;
}

const MODULE_ROW = /^(\S+\.so)\s+(.*?)\s+(-?\d+)\s+(Not Running|Running|Unknown|Declined|Failed|\S+)\s+(\S+)\s*$/;

/** Parses `module show like …`; robust to column widths, "Not Running", and "0 modules loaded". */
export function parseModuleShow(text: string): ModuleTable {
  const rows: ModuleRow[] = [];
  let loadedCount: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const footer = /^(\d+) modules? loaded/.exec(line.trim());
    if (footer) {
      loadedCount = Number(footer[1]);
      continue;
    }
    const m = MODULE_ROW.exec(line);
    if (!m) continue;
    rows.push({ module: m[1]!, description: m[2]!, useCount: Number(m[3]), status: m[4]!, support: m[5]! });
  }
  return { rows, loadedCount };
}

export type ModuleState = 'running' | 'not_running' | 'absent';

/** State of one module (name with or without ".so") in a parsed table. */
export function moduleState(table: ModuleTable, name: string): ModuleState {
  const file = name.endsWith('.so') ? name : `${name}.so`;
  const row = table.rows.find((r) => r.module === file);
  if (!row) return 'absent';
  return row.status === 'Running' ? 'running' : 'not_running';
}

export interface HttpBinding {
  address: string;
  port: number;
}

export interface HttpStatus {
  enabled: boolean;
  bound?: HttpBinding;
  tlsEnabled: boolean;
  tlsBound?: HttpBinding;
  prefix: string;
  uris: string[];
}

function parseBinding(s: string): HttpBinding | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s.trim());
  return m ? { address: m[1]!, port: Number(m[2]) } : undefined;
}

export function parseHttpShowStatus(text: string): HttpStatus | undefined {
  if (!/HTTP Server Status/i.test(text)) return undefined;
  const out: HttpStatus = { enabled: false, tlsEnabled: false, prefix: '', uris: [] };
  let inUris = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^HTTPS Server Enabled and Bound to (\S+)/.exec(line))) {
      out.tlsEnabled = true;
      out.tlsBound = parseBinding(m[1]!);
    } else if ((m = /^Server Enabled and Bound to (\S+)/.exec(line))) {
      out.enabled = true;
      out.bound = parseBinding(m[1]!);
    } else if ((m = /^Prefix:\s*(.*)$/.exec(line))) {
      out.prefix = m[1]!;
    } else if (/^Enabled URI's:/.test(line)) {
      inUris = true;
    } else if (inUris && line.startsWith('/')) {
      out.uris.push(line.split(/\s+=>/)[0]!);
    } else if (line === '') {
      inUris = false;
    }
  }
  return out;
}

export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  return a === 'localhost' || a === '::1' || /^127\./.test(a) || a === '::ffff:127.0.0.1';
}

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '' || address === '[::]';
}

export interface AriUser {
  username: string;
  readOnly: boolean;
  acl: boolean;
}

/** Parses `ari show users` ("r/o?  ACL?  Username" table). */
export function parseAriShowUsers(text: string): AriUser[] {
  const users: AriUser[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(Yes|No)\s+(Yes|No)\s+(\S+)\s*$/.exec(line);
    if (m) users.push({ readOnly: m[1] === 'Yes', acl: m[2] === 'Yes', username: m[3]! });
  }
  return users;
}

export interface AriStatus {
  enabled: boolean;
  allowedOrigins: string;
}

/** Parses `ari show status`. */
export function parseAriShowStatus(text: string): AriStatus | undefined {
  const en = /^Enabled:\s*(\S+)/m.exec(text);
  if (!en) return undefined;
  const origins = /^Allowed Origins:[ \t]*(.*)$/m.exec(text);
  return { enabled: /^yes$/i.test(en[1]!), allowedOrigins: (origins?.[1] ?? '').trim() };
}

export interface DialplanPriority {
  exten: string;
  priority: number;
  app: string;
  args: string;
  source?: string;
}

export interface DialplanContext {
  exists: boolean;
  name: string;
  createdBy?: string;
  priorities: DialplanPriority[];
  includes: string[];
}

/** Parses `dialplan show <context>`. */
export function parseDialplanShow(text: string, name: string): DialplanContext {
  const ctx: DialplanContext = { exists: false, name, priorities: [], includes: [] };
  if (/There is no existence of/.test(text)) return ctx;
  let exten = '';
  for (const line of text.split(/\r?\n/)) {
    const head = /^\[ Context '([^']+)' created by '([^']+)' \]/.exec(line);
    if (head) {
      ctx.exists = head[1] === name || ctx.exists;
      ctx.createdBy = head[2];
      continue;
    }
    const inc = /^\s*Include =>\s*'([^']+)'/.exec(line);
    if (inc) {
      ctx.includes.push(inc[1]!);
      continue;
    }
    const ext = /^\s*'([^']+)'\s*=>\s*(.*)$/.exec(line);
    let rest = line;
    if (ext) {
      exten = ext[1]!;
      rest = ext[2]!;
    }
    const pr = /^\s*(\d+)\.\s+(?:\[[^\]]*\]\s*)?([A-Za-z_][\w]*)\((.*)\)\s*(?:\[([^\]]+)\])?\s*$/.exec(rest);
    if (pr && exten) {
      ctx.priorities.push({ exten, priority: Number(pr[1]), app: pr[2]!, args: pr[3]!, source: pr[4] });
    }
  }
  return ctx;
}

/** True when a priority runs Stasis(<app>[,args]). */
export function hasStasis(ctx: DialplanContext, app: string): boolean {
  return ctx.priorities.some((p) => p.app.toLowerCase() === 'stasis' && p.args.split(',')[0]!.trim() === app);
}

/** The AI_CONTEXT=… value set before Stasis, if any. */
export function aiContextOf(ctx: DialplanContext): string | undefined {
  for (const p of ctx.priorities) {
    if (p.app.toLowerCase() === 'stasis') break;
    const m = /^AI_CONTEXT=(.*)$/.exec(p.args);
    if (p.app.toLowerCase() === 'set' && m) return m[1]!.trim();
  }
  return undefined;
}

export interface PjsipTransport {
  id: string;
  type: string;
  cos: number;
  tos: number;
  bind: string;
}

/** Parses `pjsip show transports`. */
export function parsePjsipShowTransports(text: string): PjsipTransport[] {
  const out: PjsipTransport[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*Transport:\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s*$/.exec(line);
    if (m && !m[1]!.startsWith('<')) out.push({ id: m[1]!, type: m[2]!.toLowerCase(), cos: Number(m[3]), tos: Number(m[4]), bind: m[5]! });
  }
  return out;
}
