/** A SessionSink that records everything, with event-driven waits for tests. */
import { EventEmitter } from 'node:events';
import type { LatencyMark, SessionSink } from '../../../engine/src/providers/provider.js';
import type { ToolResult } from '../../../engine/src/tools/tool.js';

export class RecordingSink implements SessionSink {
  readonly chunks: Array<{ bytes: number; at: number }> = [];
  audioBytes = 0;
  readonly transcripts: Array<{ role: 'caller' | 'agent'; text: string; final: boolean }> = [];
  readonly marks: Array<{ mark: LatencyMark; at: number }> = [];
  bargeIns = 0;
  agentDones = 0;
  readonly toolCalls: Array<{ name: string; args: unknown }> = [];
  readonly errors: Array<{ err: Error; fatal: boolean }> = [];
  private ev = new EventEmitter();

  constructor(private readonly tool: (name: string, args: unknown) => ToolResult = () => ({ ok: true, output: { ok: true } })) {
    this.ev.setMaxListeners(100);
  }

  /** Agent audio arrived since the last agentDone (what the conversation calls "the agent is audible"). */
  agentAudible(): boolean {
    return this.audioSinceDone;
  }
  private audioSinceDone = false;

  audio(chunk: Buffer): void {
    this.audioSinceDone = true;
    this.audioBytes += chunk.length;
    this.chunks.push({ bytes: chunk.length, at: performance.now() });
    this.ev.emit('change');
  }
  transcript(role: 'caller' | 'agent', text: string, final: boolean): void {
    this.transcripts.push({ role, text, final });
    this.ev.emit('change');
  }
  mark(mark: LatencyMark, at?: number): void {
    this.marks.push({ mark, at: at ?? performance.now() });
    this.ev.emit('change');
  }
  /** audioBytes at each bargeIn() call. */
  readonly bytesAtBargeIn: number[] = [];
  bargeIn(): void {
    this.bargeIns++;
    this.bytesAtBargeIn.push(this.audioBytes);
    this.ev.emit('change');
  }
  agentDone(): void {
    this.audioSinceDone = false;
    this.agentDones++;
    this.ev.emit('change');
  }
  async callTool(name: string, args: unknown): Promise<ToolResult> {
    this.toolCalls.push({ name, args });
    this.ev.emit('change');
    return this.tool(name, args);
  }
  error(err: Error, fatal: boolean): void {
    this.errors.push({ err, fatal });
    this.ev.emit('change');
  }

  texts(role: 'caller' | 'agent'): string[] {
    return this.transcripts.filter((t) => t.role === role && t.final).map((t) => t.text);
  }

  /** Resolves once `pred` holds (checked on every sink call); rejects naming `what` after `timeoutMs`. */
  waitFor(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onChange = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.ev.off('change', onChange);
        resolve();
      };
      const timer = setTimeout(() => {
        this.ev.off('change', onChange);
        reject(new Error(`timed out waiting for ${what}; transcripts=${JSON.stringify(this.transcripts)} errors=${this.errors.map((e) => e.err.message).join('; ')}`));
      }, timeoutMs);
      this.ev.on('change', onChange);
    });
  }
}

/** Feeds `pcm` to `send` in 20 ms frames, paced at `speed`× real time. */
export async function streamAudio(send: (frame: Buffer) => void, pcm: Buffer, frameBytes: number, speed = 4): Promise<void> {
  for (let off = 0; off < pcm.length; off += frameBytes) {
    send(pcm.subarray(off, off + frameBytes));
    if ((off / frameBytes) % 4 === 3) await new Promise((r) => setTimeout(r, 80 / speed));
  }
}
