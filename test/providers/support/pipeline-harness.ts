/** Builds a pipeline provider from config against the fakes and drives one session. */
import { pipelineSchema } from '../../../engine/src/config/provider-schemas.js';
import { createPipelineProvider } from '../../../engine/src/providers/pipeline/provider.js';
import { silentLogger } from '../../../engine/src/observability/logger.js';
import type { AudioFormat } from '../../../engine/src/media/audio-format.js';
import type { ProviderSession, Provider } from '../../../engine/src/providers/provider.js';
import type { ToolSpec } from '../../../engine/src/tools/tool.js';
import { RecordingSink } from './recording-sink.js';
import { synthesize } from '../../../engine/src/speech/flite.js';

export const TRANSFER_TOOL: ToolSpec = {
  name: 'transfer',
  description: 'Transfer the caller to a destination',
  parameters: { type: 'object', properties: { destination: { type: 'string' } }, required: ['destination'] },
};

export interface PipelineRun {
  provider: Provider;
  session: ProviderSession;
  sink: RecordingSink;
  input: AudioFormat;
  output: AudioFormat;
}

export async function startPipeline(config: unknown, wire: AudioFormat, opts: { greeting?: string; sink?: RecordingSink; tools?: ToolSpec[] } = {}): Promise<PipelineRun> {
  const provider = createPipelineProvider('test', pipelineSchema.parse(config), { log: silentLogger() });
  const caps = provider.capabilities(wire);
  const sink = opts.sink ?? new RecordingSink();
  const session = provider.createSession({
    callId: 'call-1',
    context: 'default',
    greeting: opts.greeting ?? '',
    instructions: 'You are a helpful test agent.',
    tools: opts.tools ?? [TRANSFER_TOOL],
    wireFormat: wire,
    sink,
    log: silentLogger(),
  });
  await session.start();
  return { provider, session, sink, input: caps.input, output: caps.output };
}

/** Flite speech at 16 kHz followed by `silenceMs` of silence (what a caller says, then a pause). */
export async function spoken(text: string, silenceMs = 1200, voice = 'kal16'): Promise<Buffer> {
  const { pcm, sampleRate } = await synthesize(text, { voice });
  if (sampleRate !== 16000) throw new Error(`expected 16 kHz voice, got ${sampleRate}`);
  return Buffer.concat([Buffer.alloc(3200), pcm, Buffer.alloc(Math.round(16 * silenceMs) * 2)]);
}
