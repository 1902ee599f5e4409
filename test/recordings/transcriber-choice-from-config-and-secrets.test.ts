import { selectTranscriber, selectLlm } from '../../engine/src/analysis/select.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { configSchema } from '../../engine/src/config/schema.js';
import { encodeWav, parseWavHeader } from '../../engine/src/media/wav.js';

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
