/** A local LLM server (Ollama / llama.cpp) is probed for /health: reachable, model present. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { FakeOpenAIRest } from '../fakes/openai/rest-server.js';
import { createOpenAICompatibleLlm } from '../../engine/src/providers/pipeline/llm/openai-compatible.js';
import { llmSchema } from '../../engine/src/config/provider-schemas.js';

let rest: FakeOpenAIRest | undefined;
afterEach(async () => {
  await rest?.close();
  rest = undefined;
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('local LLM server health', () => {
  it('is ready when the server lists the model (Ollama tags match)', async () => {
    rest = new FakeOpenAIRest({ models: ['llama3.2:latest', 'qwen2.5:3b'] });
    const base = await rest.listen();
    const llm = createOpenAICompatibleLlm(llmSchema.parse({ base_url: base.replace('127.0.0.1', 'localhost'), model: 'llama3.2' }), 'pipelines.local.llm');
    expect(await llm.probe!()).toEqual({ ready: true });
  });

  it('names a model the server does not have', async () => {
    rest = new FakeOpenAIRest({ models: ['qwen2.5:3b'] });
    const base = await rest.listen();
    const llm = createOpenAICompatibleLlm(llmSchema.parse({ base_url: base, model: 'llama3.2' }), 'pipelines.local.llm');
    const h = await llm.probe!();
    expect(h).toMatchObject({ ready: false });
    expect(h.reason).toContain('model "llama3.2" is not on');
    expect(h.reason).toContain('ollama pull llama3.2');
    expect(llm.health()).toEqual(h);
  });

  it('reports an unreachable server', async () => {
    const port = await freePort();
    const llm = createOpenAICompatibleLlm(llmSchema.parse({ base_url: `http://127.0.0.1:${port}/v1`, model: 'llama3.2' }), 'pipelines.local.llm');
    const h = await llm.probe!();
    expect(h.ready).toBe(false);
    expect(h.reason).toMatch(/LLM server http:\/\/127\.0\.0\.1:\d+\/v1 is not reachable \(ECONNREFUSED\)/);
  });
});
