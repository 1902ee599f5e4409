import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { makeHarness, type Harness } from './support/harness.js';
import { createRecordingsService, type RecordingsService } from '../../engine/src/recordings/recordings-service.js';
import { synthesize } from '../../engine/src/speech/flite.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';
import { resamplePcm16 } from '../../engine/src/analysis/pcm.js';
import { encodeWav } from '../../engine/src/media/wav.js';

const canRecognize = pocketsphinxHealth().ready;
if (!canRecognize) console.warn('[notice] pocketsphinx / pocketsphinx-en-us not installed: local transcription test skipped');

/** 8 kHz stereo, like a MixMonitor file with separate legs: agent on the left, caller on the right after it. */
async function spokenStereoCall(): Promise<Buffer> {
  const agent = await synthesize('Hello, thank you for calling the billing department. How can I help you?', { voice: 'kal16' });
  const caller = await synthesize('I am very angry. The service is terrible and my bill is wrong.', { voice: 'slt' });
  const left = resamplePcm16(agent.pcm, agent.sampleRate, 8000);
  const right = resamplePcm16(caller.pcm, caller.sampleRate, 8000);
  const offset = left.length / 2 + 8000; // caller starts 1 s after the agent stops
  const frames = offset + right.length / 2 + 4000;
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < left.length / 2; i++) pcm.writeInt16LE(left.readInt16LE(i * 2), i * 4);
  for (let i = 0; i < right.length / 2; i++) pcm.writeInt16LE(right.readInt16LE(i * 2), (offset + i) * 4 + 2);
  return encodeWav(pcm, 8000, 2);
}

describe.skipIf(!canRecognize)('a spoken stereo call analysed with the local transcriber', () => {
  let server: FakeAriRecordingsServer;
  let h: Harness;
  let service: RecordingsService;
  const name = 'monitor/2026/11/21/in-2125550123-7175882255-20261121-065046-1795243846.27';

  beforeAll(async () => {
    server = new FakeAriRecordingsServer();
    server.add(name, await spokenStereoCall());
    server.add('monitor/2026/11/21/out-600-201-20261121-070000-1795244400.3', Buffer.alloc(3300, 0xd9), 'gsm');
    h = makeHarness({ port: await server.listen(), transcriber: 'local' });
    service = createRecordingsService(h.ctx, { analysis: false });
  });

  afterAll(async () => {
    await service.stop(Date.now() + 2000);
    await server.close();
    h.close();
  });

  it('transcribes each channel as a speaker, with keywords, times, sentiment, stats and search', async () => {
    const summary = await service.sync();
    expect(summary).toMatchObject({ downloaded: 2, failed: 0 });
    expect(await service.analysis.drain()).toBe(1); // the GSM file is not queued

    const [rec] = await service.handlers!['recordings.list']!({ direction: 'in' });
    const d = (await service.handlers!['recordings.get']!({ id: rec!.id }))!;
    expect(d.status).toBe('analyzed');
    expect(d.channels).toBe(2);
    const byspeaker = (s: string) => d.segments.filter((x) => x.speaker === s).map((x) => x.text).join(' ');
    expect(byspeaker('speaker 1')).toMatch(/billing/);
    expect(byspeaker('speaker 1')).toMatch(/thank you/);
    expect(byspeaker('speaker 2')).toMatch(/angry|terrible/);
    const callerSeg = d.segments.find((x) => x.speaker === 'speaker 2')!;
    expect(callerSeg.startSec).toBeGreaterThan(4.5); // time-aligned: the caller speaks after the agent
    expect(callerSeg.sentiment).toBeLessThan(0);
    expect(d.stats!.talkRatio['speaker 1']).toBeGreaterThan(0.3);
    expect(d.stats!.talkRatio['speaker 2']).toBeGreaterThan(0.3);
    expect(d.stats!.silenceShare).toBeGreaterThan(0.05);
    expect(d.stats!.silenceShare).toBeLessThan(0.6);
    expect(d.stats!.interruptions).toBe(0);
    expect(d.sentiment).toBeDefined();
    expect(d.audioPath).toBe(`recordings/${rec!.id}/audio`);

    expect((await service.handlers!['recordings.list']!({ text: 'billing' })).map((r) => r.id)).toEqual([rec!.id]);
    expect(await service.handlers!['recordings.list']!({ text: 'refund' })).toEqual([]);
    expect((await service.handlers!['recordings.list']!({ text: 'thank bill' })).length).toBe(1); // last term as a prefix
    expect(await service.handlers!['recordings.list']!({ text: 'thank "OR" NEAR(' })).toEqual([]); // operators are plain words
    expect((await service.handlers!['recordings.list']!({ text: 'billing', number: '2125550123', from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z' })).length).toBe(1);
    expect((await service.handlers!['recordings.list']!({ text: 'billing', from: '2026-11-22T00:00:00Z' })).length).toBe(0);
    expect((await service.handlers!['recordings.list']!({ sentiment: d.sentiment! })).map((r) => r.id)).toEqual([rec!.id]);

    const gsm = (await service.handlers!['recordings.list']!({ direction: 'out' }))[0]!;
    expect(gsm.status).toBe('unsupported');
    expect(gsm.statusReason).toMatch(/gsm.*not supported for analysis/);
  });
});
