/**
 * The fake Asterisk in its own process for the calls bench, so the engine's
 * CPU and memory are measured apart from the PBX side. Driven over IPC. It
 * records when each caller got a loud (agent) frame, for flush → silence.
 */
import { FakeAsterisk, tone, silence, concatPcm, pcmFromBytes, type CallerHandle } from '../../test/fakes/asterisk/index.js';
import { speechLike } from '../../engine/src/media/signal.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { epochNow } from './caller-side.js';
import { startProfile } from '../lib/profiler.js';

type Msg =
  | { type: 'inject'; n: number; from: number }
  | { type: 'hangupAll' }
  | { type: 'inspect' }
  | { type: 'timelines' }
  | { type: 'cpu' }
  | { type: 'profile'; file?: string }
  | { type: 'stop' };

const loud = new Map<string, number[]>();
/** Frames the legs handed to the callers so far (the engine's audio as the fake received it). */
let framesDelivered = 0;
const fake = await new FakeAsterisk({
  legStasisOrder: 'after-response',
  // CALLS_BENCH_FAKE_PHASES (default 1: every caller's frame in the same tick, as the issue measured); 4 = spread over
  // the 20 ms in 5 ms steps, as real phones' independent clocks spread them.
  mediaPhases: Number(process.env.CALLS_BENCH_FAKE_PHASES ?? 1),
  // The legs keep no list of what the engine sent them (the callers neither): hundreds of legs would hold every frame.
  keepLegFrames: false,
  onDeliver: (caller, pcm) => {
    framesDelivered++;
    if (!rmsAtLeast(pcm, 300)) return;
    const n = caller.caller.number;
    let l = loud.get(n);
    if (!l) loud.set(n, (l = []));
    l.push(epochNow());
  },
}).start();
const callers: CallerHandle[] = [];

/** Frames the live media legs sent to the engine so far (the callers' audio). */
function framesSent(): number {
  let n = 0;
  for (const ch of fake.channels.values()) n += (ch.audiosocket?.framesSent ?? 0) + (ch.websocket?.framesSent ?? 0);
  return n;
}

/** rms(pcm) >= level, stopping as soon as the sum of squares gets there (every frame the engine sends passes here). */
function rmsAtLeast(pcm: Int16Array, level: number): boolean {
  const need = level * level * pcm.length;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) {
    sum += pcm[i]! * pcm[i]!;
    if (sum >= need) return true;
  }
  return false;
}
let stopProfile: ((file: string) => Promise<void>) | undefined;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const send = (m: unknown) => process.send?.(m);
send({ type: 'ready', port: fake.port });

/**
 * One caller cycle (2.6 s, looped until hangup): a 800 ms tone, 300 ms pause, then 500 ms of speech-like sound
 * that starts while the echo of the tone plays (a barge-in: the engine's VAD hears speech, so it flushes), then
 * silence. Like a real leg with transmit_silence off, the caller sends no frames while silent (the engine's
 * inbound clock fills them).
 */
const SPEECH = pcmFromBytes(speechLike({ ms: 500, sampleRate: 8000, amplitude: 7000 }));
function pattern(i: number): Int16Array {
  const hz = 500 + (i % 40) * 35;
  return concatPcm([silence(400 + (i % 7) * 30), tone(hz, 800), silence(300), SPEECH, silence(600 - (i % 7) * 30)]);
}

process.on('message', (m: Msg) => {
  switch (m.type) {
    case 'inject': {
      if (m.from === 0) loud.clear();
      for (let i = m.from; i < m.from + m.n; i++) {
        // Callers keep nothing they receive (onDeliver above notes the loud frames): 1,000 callers would hold every frame.
        callers.push(fake.injectCall({ callerNumber: String(10000 + i), audio: pattern(i), loop: true, keepReceived: false }));
      }
      send({ type: 'injected' });
      return;
    }
    case 'hangupAll':
      for (const c of callers.splice(0)) if (!c.gone) c.hangup();
      send({ type: 'done' });
      return;
    case 'inspect':
      send({ type: 'inspect', ...fake.inspect() });
      return;
    case 'cpu':
      // The fake shares the machine's cores with the engine: its own CPU time (µs) and its event loop's lateness.
      // Frames too (received from the engine + sent by the live legs), for the fake's CPU per frame.
      send({ type: 'cpu', ...process.cpuUsage(), loopP99Ms: loop.percentile(99) / 1e6, frames: framesDelivered + framesSent() });
      loop.reset();
      return;
    case 'profile':
      // Start (no file) or stop and write (file) a CPU profile of the fake's thread.
      void (async () => {
        if (!m.file) stopProfile = await startProfile();
        else await stopProfile?.(m.file);
        send({ type: 'profiled' });
      })();
      return;
    case 'timelines':
      send({ type: 'timelines', loud: Object.fromEntries(loud) });
      return;
    case 'stop':
      void fake.stop().then(() => process.exit(0));
      return;
  }
});
