/**
 * AudioWorklet: RMS per 10 ms frame, stamped with the audio clock, posted as
 * [startMs, durMs, rms]. Runs on the audio thread; no DOM, no imports.
 */
declare const sampleRate: number;
declare const currentFrame: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

class MeterProcessor extends AudioWorkletProcessor {
  private sumSquares = 0;
  private count = 0;
  private startFrame = 0;
  private readonly frameSize = Math.round(sampleRate / 100);

  process(inputs: Float32Array[][]): boolean {
    const ch = inputs[0]?.[0];
    const len = ch ? ch.length : 128;
    for (let i = 0; i < len; i++) {
      if (this.count === 0) this.startFrame = currentFrame + i;
      const v = ch ? ch[i]! : 0;
      this.sumSquares += v * v;
      this.count++;
      if (this.count >= this.frameSize) {
        this.port.postMessage([(this.startFrame / sampleRate) * 1000, (this.count / sampleRate) * 1000, Math.sqrt(this.sumSquares / this.count)]);
        this.sumSquares = 0;
        this.count = 0;
      }
    }
    return true;
  }
}

registerProcessor('aava-meter', MeterProcessor);
