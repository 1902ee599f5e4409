import { selectTranscriber, selectLlm } from '../../engine/src/analysis/select.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { configSchema } from '../../engine/src/config/schema.js';
import { encodeWav, parseWavHeader } from '../../engine/src/media/wav.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHarness } from './support/harness.js';
import { AnalysisQueue } from '../../engine/src/analysis/analysis-queue.js';
import { RecordingsRepo } from '../../engine/src/recordings/recordings-repo.js';
import { parseRecordingName } from '../../engine/src/recordings/freepbx-name.js';
import { recordingId } from '../../engine/src/recordings/sync-plan.js';

const recordings = (r: Record<string, unknown>) =>
  configSchema.parse({ default_provider: 'echo', providers: { echo: { type: 'echo' } }, asterisk: { host: 'h', username: 'u' }, recordings: r }).recordings;

describe('choosing the transcriber and the LLM reviewer', () => {
  const savedEnv = { ...process.env };
  beforeEach(() => {
    delete process.env.DEEPGRAM_API_KEY;
    delete process.env.OPENAI_API_KEY;
  });
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('local by default, none when off', () => {
    expect(selectTranscriber(recordings({}), new MemorySecretStore())?.name).toBe('local');
    expect(selectTranscriber(recordings({ transcriber: 'none' }), new MemorySecretStore())).toBeUndefined();
  });

  it('a cloud transcriber without a key fails its jobs with the config path to fix', async () => {
    const t = selectTranscriber(recordings({ transcriber: 'deepgram' }), new MemorySecretStore())!;
    const wav = encodeWav(Buffer.alloc(320), 8000);
    await expect(t.transcribe({ wav, info: parseWavHeader(wav) })).rejects.toThrow(/recordings\.analysis\.deepgram_api_key/);
    expect(selectTranscriber(recordings({ transcriber: 'openai' }), new MemorySecretStore({ OPENAI_API_KEY: 'sk-x' }))?.name).toBe('openai');
  });

  it('the LLM review is off unless asked for, and names its missing key', () => {
    expect(selectLlm(recordings({}), new MemorySecretStore())).toBeUndefined();
    expect(() => selectLlm(recordings({ sentiment: 'llm' }), new MemorySecretStore())).toThrow(/recordings\.analysis\.llm_api_key/);
    expect(selectLlm(recordings({ analysis: { llm_summary: true, llm_base_url: 'http://llm.local/v1', llm_model: 'qwen' } }), new MemorySecretStore({ OPENAI_API_KEY: 'k' }))).toEqual({
      apiKey: 'k',
      baseUrl: 'http://llm.local/v1',
      model: 'qwen',
    });
  });
});

describe('an LLM review that fails', () => {
  it('keeps the transcript with the lexicon sentiment and says why', async () => {
    const h = makeHarness({});
    try {
      const repo = new RecordingsRepo(h.ctx.db);
      const dir = join(h.dataDir, 'recordings');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'd.wav'), encodeWav(Buffer.alloc(1600), 8000));
      const name = 'sip-call-1795243163405';
      const id = recordingId(name);
      repo.saveDownloaded({ id, name, parsed: parseRecordingName(name), format: 'wav', filePath: 'd.wav', sizeBytes: 1644, analyzable: true });
      const q = new AnalysisQueue({
        db: h.ctx.db,
        repo,
        log: h.ctx.log,
        dir,
        transcriber: () => ({ name: 'local', transcribe: async () => [{ startSec: 0, endSec: 0.1, speaker: 'speaker 1', text: 'great, thank you' }] }),
        llm: () => selectLlm(recordings({ sentiment: 'llm' }), new MemorySecretStore()),
      });
      expect(await q.drain()).toBe(1);
      const d = repo.detail(id)!;
      expect(d).toMatchObject({ status: 'analyzed', sentiment: 'positive' });
      expect(d.statusReason).toMatch(/LLM review failed, lexicon sentiment kept: recordings\.analysis\.llm_api_key/);
      expect(d.segments).toHaveLength(1);
    } finally {
      h.close();
    }
  });
});
