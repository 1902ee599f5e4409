/**
 * One-click test call: call the destination with scripted caller audio (no
 * microphone), detect agent audio in the remote stream at the caller side
 * and compute answer time, greeting latency and per-utterance reply latency.
 */
import type { Phone } from './phone';
import { measurePipelineLatency } from './pipeline-latency';
import { Segmenter, audibleBounds, computeTestCallFigures, type Segment, type TestCallFigures } from '../logic/latency';

export interface TestCallOptions {
  destination: string;
  context?: string;
  utterances: AudioBuffer[];
  /** Longest wait for the call to be answered. */
  answerTimeoutMs?: number;
  /** Agent silence that counts as "finished speaking". */
  quietMs?: number;
  /** Longest wait for the greeting / each reply (from answer / end of utterance). */
  turnTimeoutMs?: number;
  signal?: AbortSignal;
  /** Live progress for the chart: ms since INVITE. */
  onProgress?(p: { phase: string; figures: TestCallFigures }): void;
}

export interface TestCallResult extends TestCallFigures {
  context?: string;
  /** This phone's average receive jitter-buffer delay (ms), subtracted from agent onsets. */
  playoutDelayMs?: number;
  pipelineMs?: number;
  /** This computer's one-way audio pipeline (local loopback), half taken out on each side. */
  destination: string;
  startedAt: string;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runTestCall(phone: Phone, o: TestCallOptions): Promise<TestCallResult> {
  const quietMs = o.quietMs ?? 1200;
  const turnTimeoutMs = o.turnTimeoutMs ?? 15_000;
  const audio = phone.audio();
  try {
    await audio.resume();
  } catch (err) {
    return { answerMs: null, greetingLatencyMs: null, replyLatenciesMs: [], timeline: [], destination: o.destination, startedAt: new Date().toISOString(), ...(o.context ? { context: o.context } : {}), error: (err as Error).message };
  }
  o.onProgress?.({ phase: 'measuring this computer’s audio pipeline', figures: { answerMs: null, greetingLatencyMs: null, replyLatenciesMs: [], timeline: [] } });
  const pipeline = await measurePipelineLatency(audio);
  const halfPipe = (pipeline?.pipelineMs ?? 0) / 2;
  const offset = audio.clockOffsetMs();
  const toAudio = (perfMs: number) => perfMs - offset;
  // Agent speech onsets are sustained; ignore clicks shorter than 80 ms.
  const segmenter = new Segmenter({ minOnMs: 80 });
  let playoutDelayMs = 0;
  const callerSegments: Segment[] = [];
  const off = phone.onRemoteFrame((f) => segmenter.push(f));
  const startedAtWall = Date.now();
  let error: string | undefined;

  const agentSegments = () => {
    const cur = segmenter.current();
    return cur ? [...segmenter.segments, cur] : [...segmenter.segments];
  };
  /**
   * Agent audio as it arrived at this phone's network edge: the detected
   * playout times minus our own jitter buffer, which the caller's phone on
   * the PSTN would replace with its own.
   */
  /** [audio-clock ms, jitter-buffer ms over the preceding 250 ms]: the buffer adapts during a call. */
  const jbSamples: [number, number][] = [];
  const jbAt = (tMs: number) => jbSamples.find(([t]) => t >= tMs)?.[1] ?? jbSamples.at(-1)?.[1] ?? playoutDelayMs;
  const arrived = () =>
    agentSegments().map((s) => {
      const d = jbAt(s.startMs) + halfPipe;
      return { startMs: s.startMs - d, endMs: s.endMs - d };
    });
  /** Caller audio as it left this computer (the send half of the pipeline later than it was played). */
  const sent = () => callerSegments.map((s) => ({ startMs: s.startMs + halfPipe, endMs: s.endMs + halfPipe }));
  const figures = () =>
    computeTestCallFigures({
      inviteAtMs: toAudio(phone.marks.inviteSentAt ?? performance.now()),
      answeredAtMs: phone.marks.answeredAt === undefined ? null : toAudio(phone.marks.answeredAt),
      callerSegments: sent(),
      agentSegments: arrived().filter((s) => phone.marks.answeredAt === undefined || s.startMs >= toAudio(phone.marks.answeredAt) - 50),
    });
  const progress = (phase: string) => o.onProgress?.({ phase, figures: figures() });
  const live = () => phone.state.call !== null && !o.signal?.aborted;

  /** Waits until the agent spoke after `fromMs` (audio clock) and then stayed quiet for quietMs, or the timeout. */
  const waitTurn = async (fromMs: number, phase: string) => {
    const deadline = audio.nowMs() + turnTimeoutMs;
    while (live() && audio.nowMs() < deadline) {
      const segs = agentSegments().filter((s) => s.startMs >= fromMs);
      const open = segmenter.current();
      const last = segs[segs.length - 1];
      if (last && !open && audio.nowMs() - last.endMs >= quietMs) return true;
      progress(phase);
      await sleep(50);
    }
    return false;
  };

  const jbTimer = setInterval(() => {
    if (phone.state.call?.phase !== 'established') return;
    void phone.refreshStats().then(() => {
      const jb = phone.state.call?.stats?.jitterBufferMs;
      if (typeof jb === 'number') jbSamples.push([audio.nowMs(), jb]);
    });
  }, 250);
  try {
    progress('dialing');
    await phone.call(o.destination, { scripted: true });
    const answerDeadline = performance.now() + (o.answerTimeoutMs ?? 30_000);
    while (phone.state.call && phone.state.call.phase !== 'established' && performance.now() < answerDeadline && !o.signal?.aborted) {
      progress('ringing');
      await sleep(20);
    }
    if (phone.state.call?.phase !== 'established') {
      error = phone.state.callError?.message ?? (phone.state.call ? 'not answered in time' : `call ended before answer (${phone.state.lastCall?.endReason ?? 'no reason'})`);
    } else {
      const answeredAudio = toAudio(phone.marks.answeredAt!);
      if (!(await waitTurn(answeredAudio, 'greeting')) && live()) error = 'no greeting heard from the agent';
      for (const buf of o.utterances) {
        if (!live()) break;
        const played = audio.playIntoCall(buf);
        // The caller's turn is what is audible in the clip, not its padding.
        const b = audibleBounds(buf.getChannelData(0), buf.sampleRate) ?? { startMs: 0, endMs: played.endMs - played.startMs };
        callerSegments.push({ startMs: played.startMs + b.startMs, endMs: played.startMs + b.endMs });
        progress('caller speaking');
        await played.done;
        await waitTurn(played.startMs + b.endMs, 'waiting for reply');
      }
      if (!live() && !o.signal?.aborted && !error) error = `call ended early (${phone.state.lastCall?.endReason ?? 'remote hangup'})`;
    }
  } catch (err) {
    error = (err as Error).message;
  } finally {
    clearInterval(jbTimer);
    await phone.refreshStats();
    // Call average: agent audio arrived throughout the call.
    const st = phone.state.call?.stats;
    playoutDelayMs = st && st.jitterBufferEmitted > 0 ? (1000 * st.jitterBufferDelayS) / st.jitterBufferEmitted : 0;
    await phone.hangup();
    segmenter.flush();
    off();
  }
  if (o.signal?.aborted) error ??= 'cancelled';
  const fig = figures();
  const res: TestCallResult = { ...fig, destination: o.destination, startedAt: new Date(startedAtWall).toISOString() };
  if (jbSamples.length) playoutDelayMs = jbSamples.reduce((a, [, v]) => a + v, 0) / jbSamples.length;
  if (playoutDelayMs > 0) res.playoutDelayMs = Math.round(playoutDelayMs);
  if (pipeline) res.pipelineMs = Math.round(pipeline.pipelineMs);
  if (o.context) res.context = o.context;
  if (error) res.error = error;
  return res;
}
