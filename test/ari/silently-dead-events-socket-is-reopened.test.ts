/**
 * The ARI events link goes silently dead: Asterisk stops sending events and
 * answering pings but never closes the TCP connection. The engine notices
 * from the missing pongs alone, drops that socket and opens a new one, and
 * events flow again. A quiet but healthy link (no events, pongs answered) is
 * never dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAsterisk, until } from '../fakes/asterisk/index.js';
import { AriConnection } from '../../engine/src/ari/ari-connection.js';
import { LinkLiveness } from '../../engine/src/ari/liveness.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import type { AriEvent } from '../../engine/src/ari/ari-types.js';

const APP = 'asterisk-ai-voice-agent';
let fake: FakeAsterisk | undefined;
let conn: AriConnection | undefined;

afterEach(async () => {
  conn?.stop();
  await fake?.stop();
  conn = undefined;
  fake = undefined;
});

describe('a silently dead ARI events socket', () => {
  it('is found from unanswered pings and replaced, with events flowing again', async () => {
    fake = await new FakeAsterisk().start();
    conn = new AriConnection(
      { host: '127.0.0.1', port: fake.port, scheme: 'http', username: 'aiagent', password: 'aiagentpass', app_name: APP },
      { log: silentLogger(), backoff: { baseMs: 20, maxMs: 200, jitter: 0 }, liveness: { intervalMs: 100, timeoutMs: 400 } },
    );
    const connects: boolean[] = [];
    const drops: string[] = [];
    const events: AriEvent[] = [];
    conn.events.on('connected', ({ reconnect }) => connects.push(reconnect));
    conn.events.on('disconnected', ({ reason }) => drops.push(reason));
    conn.events.on('event', (e) => events.push(e));
    conn.start();
    await until(() => conn!.connected && fake!.eventClients === 1, 'connected');

    // A quiet link that answers its pings stays up (several ping periods, no events at all).
    const quietUntil = Date.now() + 1200;
    await until(() => Date.now() > quietUntil, 'a quiet second');
    expect(drops).toEqual([]);

    fake.stallEventSockets();
    expect(fake.stalledEventClients).toBe(1);
    const lost = fake.injectCall({ callerNumber: '100' });
    await until(() => drops.length === 1, 'the silent link is declared dead');
    expect(drops[0]).toMatch(/silent|no answer/i);
    expect(events.some((e) => e.type === 'StasisStart' && e.channel?.id === lost.id)).toBe(false);

    await until(() => conn!.connected && fake!.eventClients === 1 && connects.length === 2, 'a new events socket');
    expect(connects).toEqual([false, true]);
    const caller = fake.injectCall({ callerNumber: '200' });
    await until(() => events.some((e) => e.type === 'StasisStart' && e.channel?.id === caller.id), 'events flow on the new socket');
  });

  it('judges silence on the monotonic clock, pinging every interval', () => {
    let now = 0;
    let pings = 0;
    let dead: number | undefined;
    const l = new LinkLiveness(() => pings++, (ms) => (dead = ms), { intervalMs: 5000, timeoutMs: 10_000, now: () => now });
    l.start();
    l.stop(); // ticks by hand below
    const runUntil = (end: number) => {
      for (; now <= end && dead === undefined; now += l.stepMs) l.tick();
    };
    runUntil(9000);
    expect(pings).toBe(1); // at 5 s
    l.answered(); // a pong at 10 s
    runUntil(19_000);
    expect(dead).toBeUndefined();
    expect(pings).toBe(3); // 10 s, 15 s
    runUntil(21_000);
    expect(dead).toBe(10_000); // declared at 20 s, 10 s after the last answer
    // A tick that comes late (our own loop was blocked) does not judge: the pong may be unread.
    dead = undefined;
    now = 0;
    l.start();
    l.stop();
    now = 30_000;
    l.tick();
    expect(dead).toBeUndefined();
    now += l.stepMs;
    l.tick();
    expect(dead).toBe(30_000 + l.stepMs);
  });
});
