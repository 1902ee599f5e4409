/**
 * chan_websocket control messages (pure): parse what Asterisk sends in TEXT
 * frames and format the app's commands, in both forms Asterisk speaks.
 *
 * As captured from Asterisk 22.10.1 (../shared/fixtures/asterisk-22/websocket):
 * - plain-text (the default): `NAME key:value key:value`, fields split on single
 *   spaces and each at its first `:`; only `error_text:`, the last field of
 *   ERROR, may contain spaces (and may end with `\n`). MEDIA_MARK_PROCESSED and
 *   MEDIA_BUFFERING_COMPLETED carry the correlation id as everything after the
 *   first space (bare when there is none). XOFF/XON/QUEUE_DRAINED are bare.
 * - JSON (`transport_data=f(json)`): `{"event":"NAME","channel_id":"…",…}`, numbers
 *   as numbers; commands are `{"command":"NAME",…}` with `correlation_id`.
 * Asterisk ignores (log only) any TEXT message over 128 bytes.
 */

export type ControlFormat = 'plain-text' | 'json';

/** The longest TEXT message Asterisk reads; longer ones are ignored without a reply. */
export const MAX_TEXT_BYTES = 128;

export interface MediaStart {
  event: 'MEDIA_START';
  connectionId: string;
  channel: string;
  channelId: string;
  format: string;
  optimalFrameSize: number;
  ptime: number;
}

export interface MediaStatus {
  event: 'STATUS';
  queueLength: number;
  xonLevel: number;
  xoffLevel: number;
  queueFull: boolean;
  bulkMedia: boolean;
  mediaPaused: boolean;
}

export type AsteriskEvent = (
  | MediaStart
  | MediaStatus
  | { event: 'MEDIA_XOFF' | 'MEDIA_XON' | 'QUEUE_DRAINED' }
  | { event: 'MEDIA_MARK_PROCESSED' | 'MEDIA_BUFFERING_COMPLETED'; correlationId: string }
  | { event: 'DTMF_END'; digit: string }
  | { event: 'ERROR'; errorText: string }
  | { event: 'OTHER'; name: string; fields: Record<string, string> }
) & { channelId?: string };

export type ParsedControl = { ok: true; format: ControlFormat; message: AsteriskEvent } | { ok: false; error: string };

export type AppCommand =
  | { command: 'MARK_MEDIA' | 'STOP_MEDIA_BUFFERING'; correlationId?: string }
  | { command: 'SET_MEDIA_DIRECTION'; direction: 'in' | 'out' | 'both' }
  | { command: 'START_MEDIA_BUFFERING' | 'FLUSH_MEDIA' | 'GET_STATUS' | 'HANGUP' | 'ANSWER' | 'PAUSE_MEDIA' | 'CONTINUE_MEDIA' | 'REPORT_QUEUE_DRAINED' };

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const bool = (v: unknown): boolean => v === true || v === 'true';
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Builds the typed event from a name and its fields (strings from plain text, JSON values otherwise). */
function toEvent(name: string, f: Record<string, unknown>): AsteriskEvent {
  const channelId = f.channel_id === undefined ? undefined : str(f.channel_id);
  const withId = <T extends object>(e: T): T & { channelId?: string } => (channelId === undefined ? e : { ...e, channelId });
  switch (name) {
    case 'MEDIA_START':
      return withId({
        event: 'MEDIA_START',
        connectionId: str(f.connection_id),
        channel: str(f.channel),
        channelId: str(f.channel_id),
        format: str(f.format),
        optimalFrameSize: num(f.optimal_frame_size),
        ptime: num(f.ptime),
      }) as AsteriskEvent;
    case 'STATUS':
      return withId({
        event: 'STATUS' as const,
        queueLength: num(f.queue_length),
        xonLevel: num(f.xon_level),
        xoffLevel: num(f.xoff_level),
        queueFull: bool(f.queue_full),
        bulkMedia: bool(f.bulk_media),
        mediaPaused: bool(f.media_paused),
      });
    case 'MEDIA_XOFF':
    case 'MEDIA_XON':
    case 'QUEUE_DRAINED':
      return withId({ event: name });
    case 'MEDIA_MARK_PROCESSED':
    case 'MEDIA_BUFFERING_COMPLETED':
      return withId({ event: name, correlationId: str(f.correlation_id) });
    case 'DTMF_END':
      return withId({ event: 'DTMF_END' as const, digit: str(f.digit) });
    case 'ERROR':
      return withId({ event: 'ERROR' as const, errorText: str(f.error_text) });
    default: {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(f)) if (k !== 'event') fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
      return withId({ event: 'OTHER' as const, name, fields });
    }
  }
}

function parsePlain(text: string): ParsedControl {
  const line = text.replace(/^[ \t]+/, '');
  const sp = line.indexOf(' ');
  const name = sp < 0 ? line.replace(/\s+$/, '') : line.slice(0, sp);
  if (!/^[A-Z_]+$/.test(name)) return { ok: false, error: `not a chan_websocket control message: ${JSON.stringify(text.slice(0, 40))}` };
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  if (name === 'MEDIA_MARK_PROCESSED' || name === 'MEDIA_BUFFERING_COMPLETED') {
    return { ok: true, format: 'plain-text', message: toEvent(name, { correlation_id: rest }) };
  }
  const fields: Record<string, string> = {};
  let i = 0;
  while (i < rest.length) {
    if (rest.startsWith('error_text:', i)) {
      fields.error_text = rest.slice(i + 'error_text:'.length);
      break;
    }
    const end = rest.indexOf(' ', i);
    const token = end < 0 ? rest.slice(i) : rest.slice(i, end);
    const colon = token.indexOf(':');
    if (colon > 0) fields[token.slice(0, colon)] = token.slice(colon + 1);
    if (end < 0) break;
    i = end + 1;
  }
  return { ok: true, format: 'plain-text', message: toEvent(name, fields) };
}

/** Parses one TEXT frame from Asterisk; the format is recognised from the text itself. */
export function parseControlMessage(text: string): ParsedControl {
  if (text.trimStart().startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return { ok: false, error: `invalid JSON control message: ${JSON.stringify(text.slice(0, 40))}` };
    }
    if (!obj || typeof obj !== 'object' || typeof (obj as { event?: unknown }).event !== 'string') {
      return { ok: false, error: 'JSON control message without an "event" field' };
    }
    const o = obj as Record<string, unknown>;
    return { ok: true, format: 'json', message: toEvent(o.event as string, o) };
  }
  return parsePlain(text);
}

function checkId(id: string): void {
  if (id !== id.trim() || /[\r\n]/.test(id)) throw new Error(`websocket: correlation id ${JSON.stringify(id)} would not come back unchanged (no outer blanks or newlines)`);
}

/** Formats one command for a channel that speaks `format`; throws when Asterisk would ignore or refuse it. */
export function formatCommand(cmd: AppCommand, format: ControlFormat): string {
  let text: string;
  if (format === 'json') {
    const o: Record<string, string> = { command: cmd.command };
    if ('correlationId' in cmd && cmd.correlationId !== undefined) o.correlation_id = cmd.correlationId;
    if ('direction' in cmd) o.direction = cmd.direction;
    text = JSON.stringify(o);
  } else {
    if (cmd.command === 'SET_MEDIA_DIRECTION') throw new Error('websocket: SET_MEDIA_DIRECTION only exists in the JSON control format');
    const id = 'correlationId' in cmd ? cmd.correlationId : undefined;
    if (id !== undefined && id !== '') checkId(id);
    text = id ? `${cmd.command} ${id}` : cmd.command;
  }
  if (Buffer.byteLength(text) > MAX_TEXT_BYTES) throw new Error(`websocket: ${cmd.command} is ${Buffer.byteLength(text)} bytes; Asterisk ignores TEXT messages over ${MAX_TEXT_BYTES}`);
  return text;
}
