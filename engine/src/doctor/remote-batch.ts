/** One SSH round trip for many commands, each with its own output and exit code; evidence trimming. */
import type { RemoteShell } from './ssh-session.js';

export interface Evidence {
  command: string;
  output: string;
}

const MAX_EVIDENCE = 4000;

export function trimOutput(text: string): string {
  const t = text.replace(/\s+$/, '');
  return t.length > MAX_EVIDENCE ? `${t.slice(0, MAX_EVIDENCE)}\n… (${t.length - MAX_EVIDENCE} more characters)` : t;
}

const MARK = '@@AAVA';

/** Runs many commands in one exec (one SSH round trip, one sudo); each item's output and exit code come back separately. */
export async function runBatch(
  shell: RemoteShell,
  items: { key: string; command: string }[],
  privileged: boolean,
  opts: { stopOnError?: boolean; timeoutMs?: number } = {},
): Promise<Record<string, { output: string; code: number }>> {
  const stop = opts.stopOnError ? '; [ $rc -eq 0 ] || exit $rc' : '';
  const script = items.map(({ key, command }) => `echo '${MARK}>${key}'; ( ${command} ) 2>&1; rc=$?; printf '\\n${MARK}<%s %d\\n' '${key}' $rc${stop}`).join('\n');
  const r = await shell.exec(script, { privileged, timeoutMs: opts.timeoutMs ?? 60_000 });
  const out: Record<string, { output: string; code: number }> = {};
  let key: string | undefined;
  let buf: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (key === undefined) {
      if (line.startsWith(`${MARK}>`)) {
        key = line.slice(MARK.length + 1);
        buf = [];
      }
      continue;
    }
    const end = new RegExp(`^${MARK}<(\\S+) (\\d+)$`).exec(line);
    if (end && end[1] === key) {
      // printf added exactly one newline before the marker.
      out[key] = { output: buf.join('\n'), code: Number(end[2]) };
      key = undefined;
    } else buf.push(line);
  }
  if (!Object.keys(out).length && r.code !== 0 && items.length) throw new Error(`PBX commands failed (exit ${r.code}): ${trimOutput(r.stderr || r.stdout)}`);
  return out;
}
