/**
 * The engine runs as a child process with three calls up (two AudioSocket,
 * one ExternalMedia RTP) and is killed with SIGKILL: nothing closes its
 * bridges, the RTP leg stays, the callers sit in silence in our Stasis app and
 * their rows stay open. Started again over the same data dir against the same
 * PBX, within 10 s nothing of the dead engine remains on the PBX (bridges,
 * legs), every caller is back in the dialplan after Stasis() and no call row
 * is active.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { until, silence, tonePower } from '../fakes/asterisk/index.js';
import { startPbxWithConfig } from '../support/calls-harness.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { startEngineChild } from './support/engine-child.js';

const APP = 'asterisk-ai-voice-agent';

function openRows(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM calls WHERE ended_at IS NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the engine killed with three calls up', () => {
  it('is started again and within 10 s leaves no bridge, leg or active row of the dead run', async () => {
    const { fake, configPath, dataDir } = closeAtEnd(await startPbxWithConfig());

    let engine = closeAtEnd(await startEngineChild(configPath, dataDir));
    await until(async () => (await engine.health()).ari_connected, 'the first engine on ARI', 20_000);
    const callers = [
      fake.injectCall({ callerNumber: '7001', audio: silence(100) }),
      fake.injectCall({ callerNumber: '7002', audio: silence(100) }),
      fake.injectCall({ callerNumber: '7003', audio: silence(100), vars: { AI_TRANSPORT: 'externalmedia' } }),
    ];
    await until(() => callers.every((c) => tonePower(c.received(), 440) > 300), 'three calls greeted', 20_000);
    expect((await engine.health()).active_calls).toBe(3);

    expect(await engine.kill('SIGKILL')).toBe('SIGKILL');
    // What the dead engine left: its three bridges (callers inside), the RTP leg, open rows.
    await until(() => fake.inspect().mediaLegs === 1, 'the AudioSocket legs dropped with their TCP connections');
    const dead = [...fake.bridges.values()];
    expect(dead.map((b) => b.name.startsWith(`aava-${APP}-`))).toEqual([true, true, true]);
    expect(callers.every((c) => c.channel.stasisApp === APP && c.channel.bridgeId)).toBe(true);
    expect(openRows(join(dataDir, 'aava.db'))).toBe(3);

    const restartedAt = Date.now();
    engine = closeAtEnd(await startEngineChild(configPath, dataDir));
    const listeningAt = Date.now();
    await until(
      () => fake.bridges.size === 0 && fake.inspect().mediaLegs === 0 && callers.every((c) => c.channel.stasisApp === undefined) && openRows(join(dataDir, 'aava.db')) === 0,
      'nothing of the dead engine left',
      10_000,
      50,
    );
    const now = Date.now();
    console.log(`[kill test] PBX and store clean ${now - restartedAt} ms after the restart began, ${now - listeningAt} ms after the new engine listened`);
    for (const c of callers) {
      expect(c.gone).toBe(false);
      expect(c.continuedTo).toEqual({ context: 'from-ai-agent', extension: 's', priority: 3 });
    }
    const h = await engine.health();
    expect(h.last_reconcile).toMatchObject({ reconnect: false, reclaimed: { bridges: 3, callers: 3, media_legs: 1, calls: 0 } });
    expect(h.active_calls).toBe(0);
    const rows = await engine.api<{ outcome: string; state: string }[]>('calls.list', {});
    expect(rows.map((r) => [r.state, r.outcome])).toEqual([
      ['ended', 'error'],
      ['ended', 'error'],
      ['ended', 'error'],
    ]);

    // and the restarted engine takes calls
    const next = fake.injectCall({ callerNumber: '7004', audio: silence(100) });
    await until(() => tonePower(next.received(), 440) > 300, 'a new call greeted', 10_000);
    expect(await engine.kill('SIGTERM')).toBe(0);
    expect(next.gone || next.channel.stasisApp === undefined).toBe(true);
  });
});
