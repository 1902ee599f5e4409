import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeAsterisk, until } from '../fakes/asterisk/index.js';
import { AriConnection } from '../../engine/src/ari/ari-connection.js';
import { AriError } from '../../engine/src/ari/ari-types.js';
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

async function connect(opts: { password?: string } = {}) {
  fake = await new FakeAsterisk().start();
  conn = new AriConnection(
    { host: '127.0.0.1', port: fake.port, scheme: 'http', username: 'aiagent', password: opts.password ?? 'aiagentpass', app_name: APP },
    { log: silentLogger(), backoff: { baseMs: 20, maxMs: 200, jitter: 0 } },
  );
  const events: AriEvent[] = [];
  conn.events.on('event', (e) => events.push(e));
  conn.start();
  return { fake, conn, events };
}

describe('ari-client against the fake Asterisk', () => {
  it('loads the api-docs, opens the events socket and runs REST operations with Asterisk status codes', async () => {
    const { fake, conn, events } = await connect();
    await until(() => conn.connected, 'ARI connected');
    const rest = conn.rest!;
    const caller = fake.injectCall({ callerNumber: '7175882255', vars: { AI_CONTEXT: 'sales' } });
    await until(() => events.find((e) => e.type === 'StasisStart'), 'StasisStart');
    const ch = await rest.getChannel(caller.id);
    expect(ch.caller.number).toBe('7175882255');
    expect(ch.channelvars?.AI_CONTEXT).toBe('sales');
    expect(await rest.getVar(caller.id, 'AI_GREETING')).toBeUndefined();
    await rest.answer(caller.id);
    const bridge = await rest.createBridge('t');
    await rest.addChannel(bridge.id, caller.id);
    const err = await rest.addChannel(bridge.id, 'does-not-exist').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AriError);
    expect((err as AriError).status).toBe(400);
    const err404 = await rest.hangup('does-not-exist').catch((e: unknown) => e);
    expect((err404 as AriError).status).toBe(404);
    await rest.continueInDialplan(caller.id, 'from-internal', '600', 1);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '600', priority: 1 });
    const err409 = await rest.play(caller.id, 'sound:hello-world', 'pb1').catch((e: unknown) => e);
    expect((err409 as AriError).status).toBe(409);
    await rest.destroyBridge(bridge.id);
    expect(fake.inspect().bridges).toBe(0);
  });

  it('reports a wrong password and keeps retrying', async () => {
    const { conn } = await connect({ password: 'wrong' });
    await until(() => conn.reason && /401|Authentication|auth/i.test(conn.reason), 'auth failure reason');
    expect(conn.connected).toBe(false);
  });

  it('reconnects after the events socket drops', async () => {
    const { fake, conn } = await connect();
    const seen: boolean[] = [];
    conn.events.on('connected', (c) => seen.push(c.reconnect));
    await until(() => conn.connected, 'connected');
    fake.dropEventSockets(100);
    await until(() => !conn.connected, 'disconnected');
    await until(() => seen.includes(true), 'reconnected');
    expect(fake.eventClients).toBe(1);
  });
});

describe('swagger-client deprecation notice', () => {
  it('never reaches the console', async () => {
    const spy = vi.spyOn(console, 'log');
    try {
      const { conn } = await connect();
      await until(() => conn.connected, 'connected');
      expect(spy.mock.calls.flat().join(' ')).not.toMatch(/deprecated/i);
    } finally {
      spy.mockRestore();
    }
  });
});
