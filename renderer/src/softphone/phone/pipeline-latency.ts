/**
 * Measures this computer's own WebRTC audio pipeline (WebAudio → capture →
 * Opus encode → decode → WebAudio), excluding the jitter buffer, with a local
 * loopback RTCPeerConnection pair and a few tone bursts. A test call subtracts
 * it so its numbers describe the agent and the network, not this machine.
 */
import type { AudioEngine } from './audio-engine';
import { Segmenter } from '../logic/latency';
import { median } from '../logic/median';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PipelineLatency {
  /** One direction (send + receive, jitter buffer excluded), ms. */
  pipelineMs: number;
  /** Jitter-buffer delay seen on the loopback, ms (for information). */
  loopbackJitterBufferMs: number;
}

export async function measurePipelineLatency(audio: AudioEngine, bursts = 5, timeoutMs = 4000): Promise<PipelineLatency | null> {
  const ctx = audio.ctx;
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  const dest = ctx.createMediaStreamDestination();
  const cleanups: (() => void)[] = [() => pc1.close(), () => pc2.close(), () => dest.disconnect()];
  try {
    pc1.onicecandidate = (e) => void (e.candidate && pc2.addIceCandidate(e.candidate).catch(() => undefined));
    pc2.onicecandidate = (e) => void (e.candidate && pc1.addIceCandidate(e.candidate).catch(() => undefined));
    const track = dest.stream.getAudioTracks()[0]!;
    pc1.addTrack(track, dest.stream);
    const remote = new Promise<MediaStream>((resolve) => {
      pc2.ontrack = (e) => resolve(e.streams[0] ?? new MediaStream([e.track]));
    });
    await pc1.setLocalDescription(await pc1.createOffer());
    await pc2.setRemoteDescription(pc1.localDescription!);
    await pc2.setLocalDescription(await pc2.createAnswer());
    await pc1.setRemoteDescription(pc2.localDescription!);
    const stream = await Promise.race([remote, sleep(timeoutMs).then(() => null)]);
    if (!stream) return null;
    const el = new Audio();
    el.muted = true;
    el.srcObject = stream;
    void el.play().catch(() => undefined);
    cleanups.push(() => (el.srcObject = null));
    const deadline = performance.now() + timeoutMs;
    while (pc2.connectionState !== 'connected' && performance.now() < deadline) await sleep(20);
    if (pc2.connectionState !== 'connected') return null;
    const tap = await audio.tap(stream);
    cleanups.push(() => tap.close());
    const seg = new Segmenter({ minOnMs: 20, hangoverMs: 100 });
    tap.onFrame((f) => seg.push(f));
    await sleep(300);
    const scheduled: number[] = [];
    const t0 = ctx.currentTime + 0.05;
    for (let i = 0; i < bursts; i++) {
      const t = t0 + i * 0.3;
      const osc = ctx.createOscillator();
      const g = ctx.createGain();
      osc.frequency.value = 1000;
      g.gain.value = 0.3;
      osc.connect(g).connect(dest);
      osc.start(t);
      osc.stop(t + 0.08);
      osc.onended = () => g.disconnect();
      scheduled.push(t * 1000);
    }
    await sleep(bursts * 300 + 400);
    seg.flush();
    let jbMs = 0;
    (await pc2.getStats()).forEach((r: { type: string; kind?: string; jitterBufferDelay?: number; jitterBufferEmittedCount?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio' && r.jitterBufferEmittedCount) jbMs = (1000 * (r.jitterBufferDelay ?? 0)) / r.jitterBufferEmittedCount;
    });
    const delays = scheduled.map((s) => {
      const hit = seg.segments.find((x) => x.startMs >= s - 5 && x.startMs < s + 250);
      return hit ? hit.startMs - s : NaN;
    });
    const m = median(delays);
    if (m === null) return null;
    return { pipelineMs: Math.max(0, m - jbMs), loopbackJitterBufferMs: jbMs };
  } catch {
    return null;
  } finally {
    for (const c of cleanups) c();
  }
}
