import { createRecordingsStore, syncFraction } from '../../renderer/src/stores/recordings';
import { createAppStores, dispatchEvent } from '../../renderer/src/stores';
import { percentAt, segmentAt, sentimentClass } from '../../renderer/src/pages/recordings/review-math';
import type { RecordingSummary } from '../../renderer/src/api/contract';
import { FakeClient } from './support/fake-client';

const rec = (id: string, over: Partial<RecordingSummary> = {}): RecordingSummary => ({ id, name: `${id}.wav`, sizeBytes: 1000, status: 'downloaded', ...over });

describe('Recordings', () => {
  it('sync progress events drive the bar, and the finished sync reloads the list', async () => {
    let listed: RecordingSummary[] = [];
    const client = new FakeClient().handle('recordings.list', () => listed);
    const stores = createAppStores(client, { healthPollMs: 0 });
    try {
      await stores.recordings.getState().load();
      expect(stores.recordings.getState().list.data).toEqual([]);
      dispatchEvent(stores, { type: 'sync.progress', progress: { phase: 'downloading', found: 4, downloaded: 1, failed: 1, bytes: 2048 } });
      expect(syncFraction(stores.recordings.getState().progress)).toBe(0.5);
      expect(stores.recordings.getState().syncing).toBe(true);
      listed = [rec('a'), rec('b')];
      dispatchEvent(stores, { type: 'sync.finished', summary: { found: 4, downloaded: 2, skipped: 0, failed: 2, bytes: 4096, startedAt: 'x' } });
      await vi.waitFor(() => expect(stores.recordings.getState().list.data).toHaveLength(2));
      dispatchEvent(stores, { type: 'recording.updated', recording: rec('a', { status: 'analyzed', sentiment: 'negative' }) });
      expect(stores.recordings.getState().list.data![0]).toMatchObject({ id: 'a', status: 'analyzed', sentiment: 'negative' });
    } finally {
      stores.dispose();
    }
  });

  it('an open review refetches its detail when the recording’s analysis finishes', async () => {
    let status: RecordingSummary['status'] = 'analyzing';
    const client = new FakeClient().handle('recordings.get', ({ id }) => ({ ...rec(id, { status }), audioPath: `recordings/${id}/audio`, segments: status === 'analyzed' ? [{ startSec: 0, endSec: 1, speaker: 'agent', text: 'hi' }] : [] }));
    const store = createRecordingsStore(client);
    await store.getState().open('r9');
    expect(store.getState().detail.data?.segments).toEqual([]);
    status = 'analyzed';
    store.getState().upsert(rec('r9', { status: 'analyzed' }));
    await vi.waitFor(() => expect(store.getState().detail.data?.segments).toHaveLength(1));
    expect(client.callsOf('recordings.get')).toHaveLength(2);
  });

  it('Sync now that fails shows the API error and clears the bar', async () => {
    const client = new FakeClient().fail('recordings.syncNow', { code: 'not_available', message: 'recordings sync is disabled' });
    const store = createRecordingsStore(client);
    await store.getState().syncNow();
    expect(store.getState().syncError?.code).toBe('not_available');
    expect(store.getState().progress).toBeUndefined();
    expect(store.getState().syncing).toBe(false);
  });

  it('finds the transcript line playing at a time, none in the silence between', () => {
    const segs = [
      { startSec: 0.5, endSec: 2, speaker: 'agent', text: 'a' },
      { startSec: 2.5, endSec: 4, speaker: 'caller', text: 'b' },
      { startSec: 4.2, endSec: 9, speaker: 'agent', text: 'c' },
    ];
    expect(segmentAt(segs, 0.2)).toBe(-1);
    expect(segmentAt(segs, 1)).toBe(0);
    expect(segmentAt(segs, 2.3)).toBe(-1);
    expect(segmentAt(segs, 2.5)).toBe(1);
    expect(segmentAt(segs, 8.99)).toBe(2);
    expect(segmentAt(segs, 12)).toBe(-1);
    expect(percentAt(5, 10)).toBe(50);
    expect(percentAt(15, 10)).toBe(100);
    expect(percentAt(1, 0)).toBe(0);
    expect(sentimentClass(-0.4)).toBe('negative');
    expect(sentimentClass(0.01)).toBe('neutral');
  });
});
