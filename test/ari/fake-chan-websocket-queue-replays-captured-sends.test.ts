/**
 * The fake's chan_websocket queue model, fed exactly what the capture app
 * sent to a real Asterisk 22.10.1 (same messages, same order, Asterisk's
 * 20 ms ticks placed where the echoes show them), must answer with exactly
 * the TEXT messages Asterisk sent back, and play the same number of frames.
 */
import { describe, expect, it } from 'vitest';
import { ChanWebSocketQueue } from '../fakes/asterisk/chan-websocket-queue.js';
import { hasFixtures, noticeIfMissing, readJsonl } from '../support/shared-fixtures.js';

interface Line {
  t_ms: number;
  dir: 'in' | 'out' | 'note';
  kind: string;
  text?: string;
  bytes?: number;
  echo_of?: string;
}

noticeIfMissing();

const TICK_EVENT = /^(\{"event":")?(MEDIA_XON|MEDIA_MARK_PROCESSED|MEDIA_BUFFERING_COMPLETED|QUEUE_DRAINED)/;

/**
 * Asterisk's tick times as the capture shows them. An echoed frame left Asterisk on the tick that played
 * it, about 1 ms before the echo arrived, or later (up to ~10 ms when Asterisk is busy reading a burst),
 * never earlier: so a run of echoes gives the ticks as its lower envelope (echo_j − 20·(j − k), minimum
 * over nearby j), and the first tick of a run is not before the first audio of that run arrived.
 * MEDIA_XON, marks, BUFFERING_COMPLETED and QUEUE_DRAINED go out on a tick; between all these, every 20 ms.
 */
function tickTimes(lines: Line[]): number[] {
  const echoes = lines.filter((l) => l.dir === 'in' && l.kind === 'binary' && l.echo_of).map((l) => l.t_ms);
  const sends = lines.filter((l) => l.dir === 'out' && l.kind === 'binary').map((l) => l.t_ms);
  const seen: number[] = [];
  let runStart = 0;
  let prevRunEnd = -Infinity;
  for (let k = 0; k <= echoes.length; k++) {
    if (k < echoes.length && (k === 0 || echoes[k]! - echoes[k - 1]! < 45)) continue;
    const run = echoes.slice(runStart, k);
    const firstAudio = sends.find((t) => t > prevRunEnd) ?? -Infinity;
    run.forEach((_, i) => {
      let est = Infinity;
      for (let j = Math.max(0, i - 12); j < Math.min(run.length, i + 13); j++) est = Math.min(est, run[j]! - 20 * (j - i));
      seen.push(Math.max(est - 1, i === 0 ? firstAudio + 0.1 : -Infinity));
    });
    prevRunEnd = run.at(-1) ?? prevRunEnd;
    runStart = k;
  }
  for (const l of lines) if (l.dir === 'in' && l.kind === 'text' && TICK_EVENT.test(l.text!)) seen.push(l.t_ms - 0.2);
  seen.sort((a, b) => a - b);
  const anchors = seen.filter((t, i) => i === 0 || t - seen[i - 1]! > 10);
  const firstSend = lines.find((l) => l.dir === 'out' && l.kind === 'binary')!.t_ms;
  const ticks: number[] = [];
  for (let t = anchors[0]! - 20; t > firstSend; t -= 20) ticks.unshift(t);
  anchors.forEach((a, i) => {
    const next = anchors[i + 1] ?? lines.at(-1)!.t_ms;
    for (let t = a; t < next - 15; t += 20) ticks.push(t);
  });
  return ticks;
}

/** Replays one capture through the model: the app's messages at their times, Asterisk's ticks in between. */
function replay(file: string, json: boolean): { expected: string[]; got: string[]; echoes: number; played: number; lateMs: number } {
  const lines = readJsonl<Line>('websocket', file).filter((l) => l.dir !== 'note');
  const start = lines.find((l) => l.kind === 'text' && l.dir === 'in' && l.text!.includes('MEDIA_START'))!;
  const channelId = /channel_id"?:"?([0-9.]+)/.exec(start.text!)![1]!;
  const q = new ChanWebSocketQueue({ frameBytes: 640, channelId, json });
  const ticks = tickTimes(lines);
  const expected: string[] = [];
  const got: string[] = [];
  /** When the model's tick-driven events went out, and when the capture received them. */
  const gotAt: number[] = [];
  const expectedAt: number[] = [];
  let played = 0;
  let ti = 0;
  const tickUntil = (t: number) => {
    for (; ti < ticks.length && ticks[ti]! <= t; ti++) {
      const r = q.tick();
      if (r.frame) played++;
      got.push(...r.events);
      for (let i = 0; i < r.events.length; i++) gotAt.push(ticks[ti]!);
    }
  };
  for (const l of lines) {
    tickUntil(l.t_ms - 0.1);
    if (l.dir === 'in' && l.kind === 'text' && TICK_EVENT.test(l.text!)) expectedAt.push(l.t_ms);
    if (l.dir === 'in' && l.kind === 'text' && !l.text!.includes('MEDIA_START')) expected.push(l.text!);
    if (l.dir !== 'out') continue;
    if (l.kind === 'binary') got.push(...q.binary(Buffer.alloc(l.bytes!)));
    else if (l.kind === 'text') got.push(...q.text(l.text!).replies);
  }
  tickUntil(Infinity);
  const echoes = lines.filter((l) => l.dir === 'in' && l.kind === 'binary' && l.echo_of).length;
  // each tick-driven event fired on the tick where the capture saw it (not one tick early or late)
  const lateMs = Math.max(0, ...expectedAt.map((t, i) => Math.abs(t - (gotAt[i] ?? Infinity))));
  return { expected, got, echoes, played, lateMs };
}

describe.skipIf(!hasFixtures)('chan_websocket queue model against the send captures', () => {
  it('send-plain-slin16: paced, burst, flush, partial frames, buffering, pause, XOFF/XON, text limits', () => {
    const r = replay('send-plain-slin16.media.jsonl', false);
    expect(r.got).toEqual(r.expected);
    expect(r.lateMs).toBeLessThan(10);
    expect(r.played).toBeGreaterThanOrEqual(r.echoes);
  });

  it('send-json-slin16: the same in JSON, ERROR events, SET_MEDIA_DIRECTION', () => {
    const r = replay('send-json-slin16.media.jsonl', true);
    expect(r.got).toEqual(r.expected);
    expect(r.lateMs).toBeLessThan(10);
  });

  it('pause-flush: FLUSH keeps PAUSE; marks and drain reports wait while paused', () => {
    const r = replay('pause-flush.media.jsonl', false);
    expect(r.got).toEqual(r.expected);
    expect(r.lateMs).toBeLessThan(10);
  });
});
