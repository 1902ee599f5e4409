/**
 * The dialplan side of a test call: a caller channel that lands in
 * `Stasis(<app>)` with its channel variables, streams audio once bridged,
 * can send DTMF and hang up, and records everything it received.
 */
import { performance } from 'node:perf_hooks';
import type { FakeAsterisk } from './fake-asterisk.js';
import type { FakeChannel } from './model.js';
import { concatPcm } from './audio.js';
import { readWavPcm8k } from './sounds.js';

export interface InjectCallOptions {
  app?: string;
  callerName?: string;
  callerNumber?: string;
  /** Channel variables set by the dialplan before Stasis (AI_PROVIDER, AI_CONTEXT, AI_GREETING, …). */
  vars?: Record<string, string>;
  /** 8 kHz PCM the caller "speaks" once it is bridged with a media leg. */
  audio?: Int16Array;
  /** Or a WAV file to stream (mono 16-bit, 8 or 16 kHz). */
  wav?: string;
  /**
   * asterisk.conf `transmit_silence`: false (default, as Asterisk ships) = no frames while the caller's
   * audio is silent or has ended, like a Local channel, a phone with DTX or a quiet bridge peer;
   * true = a continuous stream of 20 ms frames (silence frames included).
   */
  transmitSilence?: boolean;
  /** Play `audio` over and over until hangup (a long-running caller without a long buffer). */
  loop?: boolean;
  /**
   * false: what the caller receives is counted (and `onDeliver` sees it) but not kept, so a bench with
   * hundreds of callers does not hold every frame; received() is then empty. Default true.
   */
  keepReceived?: boolean;
  /** Channel name technology (PJSIP/<ext>-<n> by default). */
  name?: string;
  /** Dialplan context the caller came from. */
  context?: string;
}

let callerSeq = 0;

/** An array of received chunks that stamps each push with its arrival time (performance.now()) into `at`. */
function timedChunks(at: number[]): Int16Array[] {
  const chunks: Int16Array[] = [];
  chunks.push = (...items: Int16Array[]): number => {
    const now = performance.now();
    for (let i = 0; i < items.length; i++) at.push(now);
    return Array.prototype.push.apply(chunks, items);
  };
  return chunks;
}

/** An array of received chunks that keeps none of them (InjectCallOptions.keepReceived false). */
function discardedChunks(): Int16Array[] {
  const chunks: Int16Array[] = [];
  chunks.push = (): number => 0;
  return chunks;
}

export class CallerHandle {
  private constructor(
    private readonly fake: FakeAsterisk,
    readonly channel: FakeChannel,
  ) {}

  static inject(fake: FakeAsterisk, opts: InjectCallOptions): CallerHandle {
    const n = (callerSeq++).toString(16).padStart(8, '0');
    const receivedAt: number[] = [];
    const ch = fake.createChannel({
      name: opts.name ?? `PJSIP/${opts.callerNumber ?? '1000'}-${n}`,
      role: 'caller',
      state: 'Ring',
      caller: { name: opts.callerName ?? '', number: opts.callerNumber ?? '' },
      dialplan: { context: opts.context ?? 'from-ai-agent', exten: 's', priority: 1, app_name: '', app_data: '' },
      source: {
        pcm: opts.audio ?? (opts.wav ? readWavPcm8k(opts.wav) : new Int16Array(0)),
        pos: 0,
        after: opts.transmitSilence ? 'silence' : 'nothing',
        dtx: !opts.transmitSilence,
        loop: opts.loop,
      },
      received: opts.keepReceived === false ? discardedChunks() : timedChunks(receivedAt),
      receivedAt,
      heard: [],
      dtmfReceived: [],
    });
    for (const [k, v] of Object.entries(opts.vars ?? {})) fake.setVar(ch, k, v);
    ch.dialplan = { ...ch.dialplan, priority: 2 };
    fake.enterStasis(ch, opts.app ?? 'asterisk-ai-voice-agent', []);
    return new CallerHandle(fake, ch);
  }

  get id(): string {
    return this.channel.id;
  }

  /** Everything that reached the caller so far (8 kHz PCM, media legs and finished file playbacks). */
  received(): Int16Array {
    return concatPcm(this.channel.received ?? []);
  }

  /** When the caller's last audio frame (not silence) went out (performance.now()), if any did. */
  get lastAudioSentAt(): number | undefined {
    return this.channel.source?.lastAudioAt;
  }

  /** When the first audible chunk (RMS above `threshold`) reached the caller after `t` (performance.now()). */
  firstAudibleAfter(t: number, threshold = 500): number | undefined {
    const chunks = this.channel.received ?? [];
    const at = this.channel.receivedAt ?? [];
    for (let i = 0; i < chunks.length; i++) {
      if (at[i]! <= t) continue;
      const c = chunks[i]!;
      let sum = 0;
      for (const v of c) sum += v * v;
      if (c.length && Math.sqrt(sum / c.length) > threshold) return at[i];
    }
    return undefined;
  }

  /** ARI playbacks on this channel that finished, with their final state. */
  get heard(): { media: string; state: string }[] {
    return this.channel.heard ?? [];
  }

  get gone(): boolean {
    return this.channel.destroyed;
  }

  get continuedTo(): FakeChannel['continuedTo'] {
    return this.channel.continuedTo;
  }

  get answered(): boolean {
    return this.channel.answered;
  }

  /** Appends audio to what the caller says (a later utterance). */
  say(pcm: Int16Array): void {
    const src = this.channel.source!;
    const rest = src.pcm.subarray(src.pos);
    src.pcm = concatPcm([rest, pcm]);
    src.pos = 0;
  }

  /**
   * Caller presses keys, as the captures show it: the audio stops for `digitMs` (140 ms for a 120 ms
   * digit) while the digit is sent, then ChannelDtmfReceived on the channel, the 0x03 frame on a
   * bridged AudioSocket leg and DTMF_END on a WebSocket leg arrive at the END of the digit, and the
   * audio goes on where it was.
   */
  async dtmf(digits: string, betweenMs = 120, digitMs = 140): Promise<void> {
    const src = this.channel.source;
    for (const d of digits) {
      if (this.channel.destroyed) return;
      if (digitMs > 0) {
        if (src) src.pausedUntil = performance.now() + digitMs;
        await new Promise((r) => setTimeout(r, digitMs));
        if (this.channel.destroyed) return;
      }
      this.fake.emit('ChannelDtmfReceived', { digit: d, duration_ms: digitMs || 100, channel: this.fake.chJson(this.channel) });
      const b = this.channel.bridgeId ? this.fake.bridges.get(this.channel.bridgeId) : undefined;
      for (const id of b?.channels ?? []) {
        const leg = this.fake.channels.get(id);
        leg?.audiosocket?.sendDtmf(d);
        leg?.websocket?.sendDtmf(d);
      }
      await new Promise((r) => setTimeout(r, betweenMs));
    }
  }

  /** The caller hangs up (remote hangup, cause 16). */
  hangup(): void {
    this.fake.hangupChannel(this.channel, { cause: 16 });
  }
}
