/** The local ring while a call is offered. */
import type { AudioEngine } from './audio-engine';

export /** A UK-style double ring on the local speaker while a call is offered. */
function ring(audio: AudioEngine): { stop(): void } {
  const ctx = audio.ctx;
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const oscs = [400, 450].map((f) => {
    const o = ctx.createOscillator();
    o.frequency.value = f;
    o.connect(gain);
    o.start();
    return o;
  });
  const t0 = ctx.currentTime;
  for (let i = 0; i < 20; i++) {
    const b = t0 + i * 3;
    for (const off of [0, 0.6]) {
      gain.gain.setValueAtTime(0.15, b + off);
      gain.gain.setValueAtTime(0, b + off + 0.4);
    }
  }
  return {
    stop() {
      for (const o of oscs) o.stop();
      gain.disconnect();
    },
  };
}
