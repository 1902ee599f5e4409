import { describe, it, expect } from 'vitest';
import { RetiringLeases, type Leasable } from '../../engine/src/util/retiring-leases.js';

interface Entry extends Leasable {
  name: string;
}
const entry = (name: string): Entry => ({ name, leases: 0, retired: false });

function pool() {
  const closed: string[] = [];
  const leases = new RetiringLeases<Entry>(async (e) => {
    closed.push(e.name);
  });
  return { leases, closed };
}

describe('an entry replaced by a reload (provider, MCP server)', () => {
  it('closes once the last call holding it lets go, not before, and only once', () => {
    const { leases, closed } = pool();
    const old = entry('old');
    const releaseA = leases.take(old);
    const releaseB = leases.take(old);
    leases.retire(old);
    expect(closed).toEqual([]);
    releaseA();
    releaseA(); // a call that releases twice does not release another call's lease
    expect(closed).toEqual([]);
    releaseB();
    expect(closed).toEqual(['old']);
    releaseB();
    expect(closed).toEqual(['old']);
  });

  it('closes at once when no call holds it', () => {
    const { leases, closed } = pool();
    leases.retire(entry('idle'));
    expect(closed).toEqual(['idle']);
  });

  it('a live entry is not closed when its calls end', () => {
    const { leases, closed } = pool();
    const live = entry('live');
    leases.take(live)();
    expect(closed).toEqual([]);
    expect(live.leases).toBe(0);
  });

  it('closeAll closes the live entries and the retired ones still held, each once', async () => {
    const { leases, closed } = pool();
    const held = entry('held');
    const release = leases.take(held);
    leases.retire(held);
    await leases.closeAll([entry('live')]);
    expect(closed.sort()).toEqual(['held', 'live']);
    release();
    expect(closed).toHaveLength(2);
  });
});
