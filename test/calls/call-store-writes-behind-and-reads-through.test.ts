/**
 * The call path writes behind: transcript lines, states, turns and tool
 * records reach SQLite together every 250 ms (in short transactions that
 * yield to the event loop), not one write each. The
 * call row itself is on disk before the call is answered, the API sees every
 * line the moment it was published (read-through), and stopping the engine
 * writes whatever was still queued.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/src/store/database.js';
import { WriteBehind } from '../../engine/src/store/write-behind.js';
import { startHarnessForTest, type Harness, until, silence, tonePower } from '../support/calls-harness.js';

const rowsOnDisk = (hh: Harness, sql: string, ...args: unknown[]) => hh.ctx.db.prepare(sql).all(...args);

describe('the call store', () => {
  it('has the call row before the answer, shows queued lines to the API, and flushes them on stop', async () => {
    const h = await startHarnessForTest();
    const { fake, service } = h;
    const answeredWithRow: boolean[] = [];
    // At the moment the engine answers, the row must exist already.
    const origAnswer = service.ari.rest!.answer.bind(service.ari.rest);
    service.ari.rest!.answer = async (id: string) => {
      answeredWithRow.push(rowsOnDisk(h, 'SELECT id FROM calls WHERE channel_id = ?', id).length === 1);
      return origAnswer(id);
    };
    const caller = fake.injectCall({ callerNumber: '321', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeted');
    expect(answeredWithRow).toEqual([true]);
    const id = service.controller.active[0]!.id;

    await caller.dtmf('5');
    await until(() => h.events.some((e) => e.type === 'call.transcript' && e.line.text === 'DTMF 5'), 'the line was published');
    // Read-through: the API has it whether or not the queue was flushed yet.
    const detail = await service.handlers!['calls.get']!({ id });
    expect(detail?.transcript.map((l) => l.text)).toContain('DTMF 5');

    await caller.dtmf('7');
    await until(() => h.events.some((e) => e.type === 'call.transcript' && e.line.text === 'DTMF 7'), 'the second line was published');
    await service.stop(Date.now() + 3000);
    // Stopped: everything is on disk without any API read flushing it.
    const texts = (rowsOnDisk(h, 'SELECT text FROM transcript_lines WHERE call_id = ? ORDER BY seq', id) as { text: string }[]).map((r) => r.text);
    expect(texts).toContain('DTMF 7');
    expect(rowsOnDisk(h, 'SELECT state, outcome FROM calls WHERE id = ?', id)).toEqual([{ state: 'ended', outcome: expect.any(String) as string }]);
  });
});

describe('write-behind', () => {
  it('writes a batch in one transaction, keeps the newest keyed write, and isolates a failing write', () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
    const flushes: number[] = [];
    const q = new WriteBehind(db, { maxDelayMs: 60_000, flushed: (n) => flushes.push(n) });
    const put = (k: string, v: string | null) => () => db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)').run(k, v);
    q.enqueue(put('a', '1'));
    q.enqueue(put('state', 'setup'), 'state');
    q.enqueue(put('b', '2'));
    q.enqueue(put('state', 'speaking'), 'state');
    expect(q.pending).toBe(3);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
    expect(q.flush()).toBe(3);
    expect(flushes).toEqual([3]);
    expect(db.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
      { k: 'state', v: 'speaking' },
    ]);
    // A write that fails (NOT NULL) does not take the rest of its batch with it.
    q.enqueue(put('c', '3'));
    q.enqueue(put('bad', null));
    q.enqueue(put('d', '4'));
    q.flush();
    expect((db.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k)).toEqual(['a', 'b', 'c', 'd', 'state']);
    // After close, writes go straight through.
    q.close();
    q.enqueue(put('e', '5'));
    expect(db.prepare("SELECT v FROM t WHERE k = 'e'").get()).toEqual({ v: '5' });
    db.close();
  });

  it('lets a write of a batch read through (its flush waits) and see what the batch wrote before it', () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const q = new WriteBehind(db, { maxDelayMs: 60_000 });
    const seen: number[] = [];
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    q.enqueue(() => db.prepare('INSERT INTO t VALUES (1)').run());
    // Like the post-call document: built from a read-through of the rows queued before it.
    q.enqueue(() => {
      q.enqueue(() => db.prepare('INSERT INTO t VALUES (3)').run()); // queued meanwhile: the next batch
      expect(q.flush()).toBe(0);
      seen.push(count());
    });
    q.enqueue(() => db.prepare('INSERT INTO t VALUES (2)').run());
    expect(q.flush()).toBe(3);
    expect(seen).toEqual([1]);
    expect(count()).toBe(2);
    expect(q.pending).toBe(1);
    q.close();
    expect(count()).toBe(3);
    db.close();
  });

  it('writes a large timed batch in short transactions, yielding to the event loop between them, in order', async () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const slices: number[] = [];
    const q = new WriteBehind(db, { maxDelayMs: 10, sliceMs: 1, flushed: (n) => slices.push(n) });
    // Each write holds the thread ~0.2 ms, so 50 of them cannot fit in one 1 ms slice.
    const slow = (v: number) => () => {
      const end = performance.now() + 0.2;
      while (performance.now() < end);
      db.prepare('INSERT INTO t VALUES (?)').run(v);
    };
    for (let i = 0; i < 50; i++) q.enqueue(slow(i));
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    await until(() => q.pending === 0, 'the batch written');
    clearInterval(ticker);
    expect(slices.length).toBeGreaterThan(1);
    expect(slices.reduce((a, n) => a + n, 0)).toBe(50);
    expect(turns).toBeGreaterThan(0);
    expect((db.prepare('SELECT v FROM t').all() as { v: number }[]).map((r) => r.v)).toEqual([...Array(50).keys()]);
    db.close();
  });

  it('a read-through in the middle of a sliced batch writes the rest of it, then what was queued since, in order', async () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const put = (v: number) => () => db.prepare('INSERT INTO t VALUES (?)').run(v);
    let midway = -1;
    // sliceMs 0: one write per slice; after the first, a reader comes (and a new line was queued meanwhile).
    const q: WriteBehind = new WriteBehind(db, {
      maxDelayMs: 5,
      sliceMs: 0,
      flushed: () => {
        if (midway >= 0) return;
        midway = (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
        q.enqueue(put(20));
        q.flush();
      },
    });
    for (let i = 0; i < 20; i++) q.enqueue(put(i));
    await until(() => midway >= 0 && q.pending === 0, 'the batch written');
    expect(midway).toBe(1);
    expect((db.prepare('SELECT v FROM t').all() as { v: number }[]).map((r) => r.v)).toEqual([...Array(21).keys()]);
    db.close();
  });

  it('flushes on its own within the delay', async () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const q = new WriteBehind(db, { maxDelayMs: 50 });
    q.enqueue(() => db.prepare('INSERT INTO t VALUES (1)').run());
    await until(() => q.pending === 0, 'the timer flush');
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    db.close();
  });
});
