/**
 * FreePBX recording names (pure). MixMonitor files are named
 * `<type>-<dest>-<src>-YYYYMMDD-HHMMSS-<uniqueid>` and usually sit in a
 * `YYYY/MM/DD/` folder, so an ARI stored-recording name looks like
 * `monitor/2026/11/21/out-7175882255-200-20261121-065046-1795243846.24`.
 * The name is read from the right: the uniqueid contains a dot, and the
 * number fields may themselves contain dashes. Anything else is kept raw,
 * with no guessed fields.
 */
import type { RecordingDirection } from '../api/recordings.js';

const RECORDING_TYPES: readonly RecordingDirection[] = ['out', 'in', 'internal', 'external', 'q', 'rg', 'conf', 'exten', 'ondemand'];

export interface ParsedRecordingName {
  /** The name exactly as ARI listed it. */
  raw: string;
  /** The last path segment. */
  base: string;
  /** `YYYY-MM-DD` from a `YYYY/MM/DD/` folder, when there is one. */
  folderDate?: string;
  /** Set only when the base matched the FreePBX shape. */
  freepbx?: {
    direction: RecordingDirection;
    destination: string;
    source: string;
    /** Wall-clock time as written in the name (the PBX's local time), `YYYY-MM-DDTHH:MM:SS`. */
    localTime: string;
    /** Epoch ms when the name's time is read as UTC; FreePBX names carry no zone. */
    startedAtMs: number;
    uniqueId: string;
  };
}

const UNIQUEID = /^\d+\.\d+$/;
const DATE8 = /^(\d{4})(\d{2})(\d{2})$/;
const TIME6 = /^(\d{2})(\d{2})(\d{2})$/;

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function folderDateOf(dirs: string[]): string | undefined {
  if (dirs.length < 3) return undefined;
  const [y, m, d] = dirs.slice(-3) as [string, string, string];
  if (!/^\d{4}$/.test(y) || !/^\d{2}$/.test(m) || !/^\d{2}$/.test(d)) return undefined;
  if (!validDate(Number(y), Number(m), Number(d))) return undefined;
  return `${y}-${m}-${d}`;
}

/** Parses an ARI stored-recording name (without extension). Never throws. */
export function parseRecordingName(raw: string): ParsedRecordingName {
  const parts = raw.split('/');
  const base = parts[parts.length - 1] ?? raw;
  const out: ParsedRecordingName = { raw, base };
  const folderDate = folderDateOf(parts.slice(0, -1));
  if (folderDate) out.folderDate = folderDate;

  const fields = base.split('-');
  // type, dest, src, date, time, uniqueid: at least six; extra dashes belong to dest/src.
  if (fields.length < 6) return out;
  const uniqueId = fields[fields.length - 1]!;
  const time = fields[fields.length - 2]!;
  const date = fields[fields.length - 3]!;
  const type = fields[0]!;
  if (!UNIQUEID.test(uniqueId)) return out;
  const dm = DATE8.exec(date);
  const tm = TIME6.exec(time);
  if (!dm || !tm) return out;
  if (!(RECORDING_TYPES as readonly string[]).includes(type)) return out;
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const [h, mi, s] = [Number(tm[1]), Number(tm[2]), Number(tm[3])];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return out;
  const middle = fields.slice(1, -3);
  // dest and src: with exactly two middle fields it is unambiguous; with more,
  // the split is unknowable, so the name stays raw rather than guessing.
  if (middle.length !== 2) return out;
  const [destination, source] = middle as [string, string];
  out.freepbx = {
    direction: type as RecordingDirection,
    destination,
    source,
    localTime: `${dm[1]}-${dm[2]}-${dm[3]}T${tm[1]}:${tm[2]}:${tm[3]}`,
    startedAtMs: Date.UTC(y, mo - 1, d, h, mi, s),
    uniqueId,
  };
  return out;
}

/** `/` must travel as `%2F` in `/ari/recordings/stored/{name}`; a literal slash gives 404 "Resource not found". */
export function encodeRecordingName(name: string): string {
  return encodeURIComponent(name);
}

/** Path of a stored recording's file endpoint, relative to the server root. */
export function recordingFilePath(name: string): string {
  return `/ari/recordings/stored/${encodeRecordingName(name)}/file`;
}
