/**
 * The recordings service inside the real engine (serve mode, HTTP control API
 * and /media), against the fake ARI: Save → Test Connection → Sync now →
 * list/get → the WAV over /media; health carries the recordings part.
 */
import { createRecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';
import type { ConnectionDiagnosis, RecordingDetail, RecordingSummary, SyncSummary, HealthReport } from '../../engine/src/api/index.js';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../fakes/ari-recordings/recordings-set.js';

let running: RunningEngine;
let server: FakeAriRecordingsServer;
let base: string;

async function api<T>(method: string, args?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: args === undefined ? '' : JSON.stringify(args) });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.result as T;
}

beforeAll(async () => {
  server = new FakeAriRecordingsServer();
  for (let i = 0; i < 3; i++) server.add(freepbxName(i), toneWav(i, 300));
  await server.listen();
  running = await startEngine({
    configText: 'default_provider: echo\nasterisk: { host: 127.0.0.1, port: 1, username: u }\nproviders:\n  echo: { type: echo }\nrecordings: { transcriber: none }\n',
    extra: { services: [createRecordingsService], watchConfig: false },
  });
  ({ base } = running);
});

afterAll(async () => {
  await running?.stop();
  await server?.close();
});

it('save, test, sync now, search and play a recording through the control API', async () => {
  const form = { enabled: false, host: '127.0.0.1', port: server.port, username: 'aiagent', password: 'aiagentpass', tls: false, intervalMinutes: 10 };
  const diag = await api<ConnectionDiagnosis>('recordings.testConnection', form);
  expect(diag).toMatchObject({ ok: true, cause: 'ok', recordingsListed: 3 });
  await api('recordings.saveSettings', form);
  const summary = await api<SyncSummary>('recordings.syncNow');
  expect(summary).toMatchObject({ found: 3, downloaded: 3, failed: 0 });
  const list = await api<RecordingSummary[]>('recordings.list', { direction: 'in' });
  expect(list).toHaveLength(1);
  const detail = await api<RecordingDetail>('recordings.get', { id: list[0]!.id });
  const media = await fetch(`${base}/media/${detail.audioPath}`);
  expect(media.status).toBe(200);
  expect(Buffer.from(await media.arrayBuffer()).equals(server.recordings.get(list[0]!.name)!.body as Buffer)).toBe(true);
  const health = (await (await fetch(`${base}/health`)).json()) as HealthReport;
  expect(health.recordings).toMatchObject({ enabled: false, last_result: 'ok' });
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toMatch(/result="downloaded"} 3/);
});
