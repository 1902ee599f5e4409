/**
 * ${VAR} and ${VAR:-default} expansion over a parsed YAML tree (pure).
 * Only string scalars are touched, so comments and quoting never matter.
 * A scalar that is exactly one reference is re-typed like YAML would
 * ("8088" → 8088, "true" → true) so numbers and booleans can come from .env.
 */
export type EnvLookup = (name: string) => string | undefined;

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

export interface ExpandResult {
  value: unknown;
  /** Variables referenced without a default and not set anywhere. */
  unresolved: { name: string; path: string }[];
}

function retype(s: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true') return true;
  if (s === 'false') return false;
  return s;
}

export function expandEnv(tree: unknown, lookup: EnvLookup): ExpandResult {
  const unresolved: ExpandResult['unresolved'] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      const resolve = (name: string, dflt: string | undefined): string => {
        const v = lookup(name);
        if (v !== undefined && v !== '') return v;
        if (dflt !== undefined) return dflt;
        unresolved.push({ name, path });
        return '';
      };
      const whole = WHOLE.exec(node);
      if (whole) return retype(resolve(whole[1]!, whole[2]));
      return node.replace(REF, (_m, name: string, dflt: string | undefined) => resolve(name, dflt));
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${path}.${i}`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, path ? `${path}.${k}` : k);
      return out;
    }
    return node;
  };
  return { value: walk(tree, ''), unresolved };
}

/** Minimal .env parser: KEY=VALUE lines, # comments, optional quotes, `export ` prefix. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1);
      if (m[2]!.startsWith('"')) v = v.replace(/\\n/g, '\n');
    } else {
      const hash = v.indexOf(' #');
      if (hash >= 0) v = v.slice(0, hash).trimEnd();
    }
    out[m[1]!] = v;
  }
  return out;
}
