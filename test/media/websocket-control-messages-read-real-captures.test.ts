/**
 * The chan_websocket control-message parser and formatter against every TEXT
 * message in the Asterisk 22.10.1 captures (plain-text and JSON).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCommand, parseControlMessage, MAX_TEXT_BYTES, type AppCommand } from '../../engine/src/media/websocket/control-messages.js';
import { fixturePath, hasFixtures, noticeIfMissing, readJsonl } from '../support/shared-fixtures.js';

interface MediaLine {
  dir: 'in' | 'out' | 'note';
  kind: string;
  text?: string;
}

noticeIfMissing();

const captures = hasFixtures ? readdirSync(fixturePath('websocket')).filter((f) => f.endsWith('.media.jsonl')) : [];
const texts = (dir: 'in' | 'out') => captures.flatMap((f) => readJsonl<MediaLine>('websocket', f).filter((l) => l.dir === dir && l.kind === 'text').map((l) => l.text!));

describe.skipIf(!hasFixtures)('control messages from Asterisk 22.10.1 captures', () => {
  it('parses every message Asterisk sent, in both forms, to a known event', () => {
    const incoming = texts('in');
    expect(incoming.length).toBeGreaterThan(50);
    for (const t of incoming) {
      const r = parseControlMessage(t);
      expect(r.ok, t).toBe(true);
      if (r.ok) expect(r.message.event, t).not.toBe('OTHER');
    }
  });

  it('reads MEDIA_START fields, plain-text and JSON alike', () => {
    const plain = parseControlMessage('MEDIA_START connection_id:8e2160e5-4d50-4b4b-8f02-3b62f1a08218 channel:WebSocket/INCOMING/0x7fc940017040 channel_id:1796382224.60 format:slin16 optimal_frame_size:640 ptime:20');
    const jsonText = texts('in').find((t) => t.startsWith('{"event":"MEDIA_START"') && t.includes('"format":"slin"'))!;
    const json = parseControlMessage(jsonText);
    expect(plain).toMatchObject({ ok: true, format: 'plain-text', message: { event: 'MEDIA_START', connectionId: '8e2160e5-4d50-4b4b-8f02-3b62f1a08218', channel: 'WebSocket/INCOMING/0x7fc940017040', channelId: '1796382224.60', format: 'slin16', optimalFrameSize: 640, ptime: 20 } });
    expect(json).toMatchObject({ ok: true, format: 'json', message: { event: 'MEDIA_START', format: 'slin', optimalFrameSize: 320, ptime: 20 } });
  });

  it('reads STATUS numbers and flags, marks with their ids (bare or padded), DTMF, and ERROR texts with spaces and the trailing newline', () => {
    expect(parseControlMessage('STATUS channel_id:1796382396.74 queue_length:1049 xon_level:800 xoff_level:900 queue_full:true bulk_media:false media_paused:false')).toMatchObject({
      ok: true,
      message: { event: 'STATUS', channelId: '1796382396.74', queueLength: 1049, xonLevel: 800, xoffLevel: 900, queueFull: true, bulkMedia: false, mediaPaused: false },
    });
    expect(parseControlMessage('{"event":"STATUS","channel_id":"1","queue_length":949,"xon_level":800,"xoff_level":900,"queue_full":true,"bulk_media":false,"media_paused":false}')).toMatchObject({ message: { queueLength: 949, queueFull: true } });
    expect(parseControlMessage('MEDIA_MARK_PROCESSED paced-end')).toMatchObject({ message: { event: 'MEDIA_MARK_PROCESSED', correlationId: 'paced-end' } });
    expect(parseControlMessage('MEDIA_MARK_PROCESSED   spaced')).toMatchObject({ message: { correlationId: '  spaced' } });
    expect(parseControlMessage('MEDIA_MARK_PROCESSED')).toMatchObject({ message: { event: 'MEDIA_MARK_PROCESSED', correlationId: '' } });
    expect(parseControlMessage('{"event":"MEDIA_MARK_PROCESSED","channel_id":"1796382524.77","correlation_id":"j-mark-1"}')).toMatchObject({ message: { correlationId: 'j-mark-1', channelId: '1796382524.77' } });
    expect(parseControlMessage('MEDIA_BUFFERING_COMPLETED buf-1')).toMatchObject({ message: { event: 'MEDIA_BUFFERING_COMPLETED', correlationId: 'buf-1' } });
    expect(parseControlMessage('DTMF_END digit:# channel_id:1796382267.63')).toMatchObject({ message: { event: 'DTMF_END', digit: '#', channelId: '1796382267.63' } });
    expect(parseControlMessage('ERROR channel_id:1796382876.99 error_text:SET_MEDIA_DIRECTION only supports JSON format.\n')).toMatchObject({ message: { event: 'ERROR', errorText: 'SET_MEDIA_DIRECTION only supports JSON format.\n' } });
    expect(parseControlMessage('MEDIA_XOFF')).toMatchObject({ message: { event: 'MEDIA_XOFF' } });
    expect(parseControlMessage('{"event":"MEDIA_XON","channel_id":"1796382524.77"}')).toMatchObject({ message: { event: 'MEDIA_XON', channelId: '1796382524.77' } });
  });

  it('formats commands exactly as the captured ones Asterisk accepted', () => {
    const out = new Set(texts('out'));
    const plain: AppCommand[] = [{ command: 'GET_STATUS' }, { command: 'FLUSH_MEDIA' }, { command: 'HANGUP' }, { command: 'ANSWER' }, { command: 'MARK_MEDIA', correlationId: 'paced-end' }, { command: 'STOP_MEDIA_BUFFERING', correlationId: 'buf-1' }, { command: 'REPORT_QUEUE_DRAINED' }];
    for (const c of plain) expect(out.has(formatCommand(c, 'plain-text')), formatCommand(c, 'plain-text')).toBe(true);
    const json: AppCommand[] = [{ command: 'GET_STATUS' }, { command: 'FLUSH_MEDIA' }, { command: 'HANGUP' }, { command: 'MARK_MEDIA', correlationId: 'j-mark-1' }, { command: 'STOP_MEDIA_BUFFERING', correlationId: 'j-buf-1' }];
    for (const c of json) expect(out.has(formatCommand(c, 'json')), formatCommand(c, 'json')).toBe(true);
  });
});

describe('control messages: what Asterisk would ignore is refused here', () => {
  it('rejects text over 128 bytes, ids that would not round-trip, and SET_MEDIA_DIRECTION in plain text', () => {
    expect(formatCommand({ command: 'MARK_MEDIA', correlationId: 'a'.repeat(MAX_TEXT_BYTES - 'MARK_MEDIA '.length) }, 'plain-text')).toHaveLength(128);
    expect(() => formatCommand({ command: 'MARK_MEDIA', correlationId: 'b'.repeat(118) }, 'plain-text')).toThrow(/128/);
    expect(() => formatCommand({ command: 'MARK_MEDIA', correlationId: ' x' }, 'plain-text')).toThrow(/outer blanks/);
    expect(() => formatCommand({ command: 'SET_MEDIA_DIRECTION', direction: 'out' }, 'plain-text')).toThrow(/JSON/);
    expect(formatCommand({ command: 'SET_MEDIA_DIRECTION', direction: 'out' }, 'json')).toBe('{"command":"SET_MEDIA_DIRECTION","direction":"out"}');
  });

  it('reports unreadable input instead of guessing', () => {
    expect(parseControlMessage('{"event":')).toMatchObject({ ok: false });
    expect(parseControlMessage('{"foo":1}')).toMatchObject({ ok: false });
    expect(parseControlMessage('hello there')).toMatchObject({ ok: false });
    expect(parseControlMessage('SOMETHING_NEW a:1 b:two')).toMatchObject({ ok: true, message: { event: 'OTHER', name: 'SOMETHING_NEW', fields: { a: '1', b: 'two' } } });
  });
});
