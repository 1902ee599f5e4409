/**
 * Builds a pipeline provider from config against the fakes and drives one
 * session the way a call does: every caller frame goes to the session and to
 * the call's voice activity (WebRTC VAD, end on the wall clock), whose events
 * reach session.voice(); speech sustained while the agent is audible is a
 * barge-in (recorded on the sink, then session.interrupt()), as the
 * conversation does it.
 */
import { pipelineSchema } from '../../../engine/src/config/provider-schemas.js';
import { createPipelineProvider } from '../../../engine/src/providers/pipeline/provider.js';
import { silentLogger } from '../../../engine/src/observability/logger.js';
import type { AudioFormat } from '../../../engine/src/media/audio-format.js';
import type { ProviderSession, Provider } from '../../../engine/src/providers/provider.js';
import type { ToolSpec } from '../../../engine/src/tools/tool.js';
import { RecordingSink } from './recording-sink.js';
import { synthesize } from '../../../engine/src/speech/flite.js';
import { FrameScheduler } from '../../../engine/src/media/pacer.js';
import { createVoiceClassifier } from '../../../engine/src/media/vad/vad.js';
import { VoiceActivity } from '../../../engine/src/media/voice/voice-activity.js';

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
  /** One caller frame (in `input` format) to the session and the voice activity. */
  feed(frame: Buffer): void;
  close(): Promise<void>;
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
  const sched = new FrameScheduler();
  const rate = caps.input.sampleRate === 16000 ? 16000 : 8000;
  const voice = new VoiceActivity({
    classifier: await createVoiceClassifier({ sampleRate: rate, aggressiveness: 2, energyThreshold: 400 }),
    bytesPerMs: (rate * 2) / 1000,
    minSpeechMs: 120,
    sustainMs: 200,
    endSilenceMs: 600,
    alarm: (fire) => sched.alarm(fire),
  });
  voice.on((ev) => {
    if (ev.type === 'sustained' && sink.agentAudible()) {
      sink.bargeIn();
      session.interrupt();
    }
    session.voice?.(ev);
  });
  return {
    provider,
    session,
    sink,
    input: caps.input,
    output: caps.output,
    feed(frame) {
      session.sendAudio(frame);
      voice.push(frame, sched.now(), false);
    },
    async close() {
      await session.close();
      voice.close();
      sched.stop();
    },
  };
}

/** Flite speech at 16 kHz followed by `silenceMs` of silence (what a caller says, then a pause). */
export async function spoken(text: string, silenceMs = 1200, voice = 'kal16'): Promise<Buffer> {
  const { pcm, sampleRate } = await synthesize(text, { voice });
  if (sampleRate !== 16000) throw new Error(`expected 16 kHz voice, got ${sampleRate}`);
  return Buffer.concat([Buffer.alloc(3200), pcm, Buffer.alloc(Math.round(16 * silenceMs) * 2)]);
}
