/**
 * One save from the Contexts editor loads the config view once, whenever the
 * engine's config.reloaded event arrives (before the save's answer, while the
 * store loads, or after); an edit made outside the dashboard loads it once.
 */
import type { ApiEvent } from '../../renderer/src/api/contract';
import { createAppStores, type AppStores } from '../../renderer/src/stores';
import { FakeClient } from './support/fake-client';
import { configView } from './support/samples';

type EventTiming = 'before the answer' | 'while the store loads' | 'after the save';

/** A fake engine whose every write bumps loadedAt and announces it with config.reloaded, at the given moment. */
function engine(timing: EventTiming) {
  let loadedAt = '2026-11-21T07:00:00.000Z';
  let pending: ApiEvent | undefined;
  const reloaded = (): ApiEvent => {
    loadedAt = new Date(Date.parse(loadedAt) + 1000).toISOString();
    return { type: 'config.reloaded', at: loadedAt, path: '/etc/aava/ai-agent.yaml' };
  };
  const client = new FakeClient()
    .handle('config.get', () => {
      const view = configView({ loadedAt });
      const ev = pending;
      if (ev && timing === 'while the store loads') {
        pending = undefined;
        client.emit(ev);
      }
      return view;
    })
    .handle('config.saveContext', () => {
      const ev = reloaded();
      if (timing === 'before the answer') client.emit(ev);
      else pending = ev;
      return { ok: true as const };
    });
  return {
    client,
    /** The event of the last write, for a test that delivers it after the save resolved. */
    takePending(): ApiEvent | undefined {
      const ev = pending;
      pending = undefined;
      return ev;
    },
    editedOutside(): ApiEvent {
      return reloaded();
    },
  };
}

let stores: AppStores | undefined;
afterEach(() => stores?.dispose());

const loads = (client: FakeClient) => client.callsOf('config.get').length;

describe('config store', () => {
  for (const timing of ['before the answer', 'while the store loads', 'after the save'] as const) {
    it(`loads once per save when config.reloaded arrives ${timing}`, async () => {
      const e = engine(timing);
      stores = createAppStores(e.client, { healthPollMs: 0 });
      await stores.config.getState().load();
      expect(loads(e.client)).toBe(1);

      const out = await stores.config.getState().save('sales', { greeting: 'Welcome', tools: [] });
      expect(out).toEqual({ ok: true });
      const late = e.takePending();
      if (late) e.client.emit(late);

      expect(loads(e.client)).toBe(2);
      expect(stores.config.getState().config.data?.loadedAt).toBe('2026-11-21T07:00:01.000Z');
    });
  }

  it('loads once when the file was edited outside the dashboard, and clears a reload error', async () => {
    const e = engine('before the answer');
    stores = createAppStores(e.client, { healthPollMs: 0 });
    await stores.config.getState().load();
    stores.config.getState().setReloadError({ at: '2026-11-21T07:00:00.500Z', message: 'bad file' });

    e.client.emit(e.editedOutside());
    expect(loads(e.client)).toBe(2);
    expect(stores.config.getState().reloadError).toBeUndefined();
  });
});
