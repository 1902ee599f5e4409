/**
 * Transcript lines are written behind the call path (one transaction at most
 * every 250 ms). The engine runs as a child process while a caller keeps
 * pressing keys (each key is a transcript line, stamped by the engine); it is
 * SIGKILLed mid-stream. On disk: a gap-free prefix of the lines, missing at
 * most those from the last 250 ms before the kill (plus the child's own
 * event-loop lag over the window, read from its /metrics, since a late timer
 * is late for everything).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import Database from 'better-sqlite3';
import { until, silence, tonePower } from '../fakes/asterisk/index.js';
import { startPbxWithConfig } from '../support/calls-harness.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { startEngineChild, type EngineChild } from './support/engine-child.js';
import type { ApiEvent } from '../../engine/src/api/index.js';

async function maxLoopLagMs(e: EngineChild): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${e.port}/metrics`)).text();
  const m = /^ai_agent_process_nodejs_eventloop_lag_max_seconds\s+([0-9.e+-]+)/m.exec(text);
  return m ? Number(m[1]) * 1000 : 0;
}

describe('transcript lines written behind the call path', () => {
  it('lose at most the last 250 ms to a SIGKILL, and never leave a gap', async () => {
    const { fake, configPath, dataDir } = closeAtEnd(await startPbxWithConfig());
    const engine = closeAtEnd(await startEngineChild(configPath, dataDir));
    await until(async () => (await engine.health()).ari_connected, 'engine on ARI', 20_000);

    const lines: { seq: number; at: number; text: string }[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${engine.port}/api/ws`);
    ws.on('message', (d) => {
      const { event } = JSON.parse(String(d)) as { event?: ApiEvent };
      if (event?.type === 'call.transcript') lines.push({ seq: event.line.seq, at: Date.parse(event.line.at), text: event.line.text });
    });
    ws.on('error', () => {});
    await new Promise((r) => ws.once('open', r));

    const caller = fake.injectCall({ callerNumber: '900', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeted', 20_000);
    await maxLoopLagMs(engine); // starts the lag window

    // Keys 1–9 in a loop, 40 ms apart: each is a 'DTMF n' line stamped by the engine.
    let pressing = true;
    const presser = (async () => {
      for (let i = 0; pressing; i++) await caller.dtmf(String((i % 9) + 1), 40);
    })();
    await until(() => lines.filter((l) => l.text.startsWith('DTMF')).length >= 30, 'thirty key lines', 20_000);
    // Kill right after a fresh line arrived, so every line older than the window is one we know.
    const seen = lines.length;
    await until(() => lines.length > seen && lines.at(-1)!.at >= Date.now() - 40, 'a fresh line', 5000, 2);
    const lagMs = await maxLoopLagMs(engine);
    const killAt = Date.now();
    expect(await engine.kill('SIGKILL')).toBe('SIGKILL');
    pressing = false;
    await presser;
    ws.terminate();

    const db = new Database(join(dataDir, 'aava.db'), { readonly: true });
    const stored = (db.prepare('SELECT seq, at FROM transcript_lines ORDER BY seq').all() as { seq: number; at: number }[]).map((r) => r.seq);
    db.close();
    // a gap-free prefix: 1..n
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const lost = lines.filter((l) => l.seq > stored.length);
    const oldestLostAgeMs = lost.length ? killAt - Math.min(...lost.map((l) => l.at)) : 0;
    console.log(`[transcript kill] ${stored.length} lines on disk, ${lost.length} lost; oldest lost line ${oldestLostAgeMs} ms before the kill; child loop lag max ${lagMs.toFixed(1)} ms`);
    expect(stored.length).toBeGreaterThan(lost.length);
    expect(oldestLostAgeMs).toBeLessThanOrEqual(250 + lagMs + 25);
  });
});
