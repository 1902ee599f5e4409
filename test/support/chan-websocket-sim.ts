/**
 * Virtual-time simulation of one WebSocket leg's outbound side: the engine's
 * OutboundFlow against the fake's chan_websocket queue model, with Asterisk's
 * 20 ms playout tick (optionally stalled), messages delivered instantly both
 * ways. Deterministic: no timers, no sockets.
 */
import { OutboundFlow, type OutboundFlowOptions, type MarkOutcome } from '../../engine/src/media/websocket/outbound-flow.js';
import { formatCommand, parseControlMessage } from '../../engine/src/media/websocket/control-messages.js';
import { ChanWebSocketQueue, type QueueLevels } from '../fakes/asterisk/chan-websocket-queue.js';

export interface SimOptions {
  flow?: Partial<OutboundFlowOptions>;
  frameBytes?: number;
  levels?: QueueLevels;
  /** Offset of Asterisk's tick grid (ms). */
  phaseMs?: number;
  /** Asterisk plays nothing in these windows (a PBX under load). */
  stalls?: Array<[number, number]>;
  json?: boolean;
  /** The engine reads MEDIA_MARK_PROCESSED this late (an event loop busy under load). */
  markReadLagMs?: number;
}

export interface Played {
  at: number;
  frame: Buffer;
}

export class ChanWebSocketSim {
  now = 0;
  readonly flow: OutboundFlow;
  readonly queue: ChanWebSocketQueue;
  readonly played: Played[] = [];
  readonly outcomes: Array<MarkOutcome & { at: number }> = [];
  readonly messages: Array<{ at: number; bytes: number }> = [];
  readonly commands: Array<{ at: number; text: string }> = [];
  private nextTick: number;
  private readonly actions: Array<{ at: number; run: () => void }> = [];

  constructor(private readonly opts: SimOptions = {}) {
    const fb = opts.frameBytes ?? 640;
    this.flow = new OutboundFlow({ frameBytes: fb, ...opts.flow });
    this.queue = new ChanWebSocketQueue({ frameBytes: fb, channelId: 'sim.1', json: opts.json ?? true, levels: opts.levels });
    this.nextTick = opts.phaseMs ?? 7;
  }

  at(t: number, run: () => void): this {
    this.actions.push({ at: t, run });
    this.actions.sort((a, b) => a.at - b.at);
    return this;
  }

  /** Runs until `endMs` of virtual time. */
  run(endMs: number): this {
    while (this.now <= endMs) {
      const wake = this.flow.nextWakeAt(this.now);
      const action = this.actions[0]?.at ?? Infinity;
      const t = Math.min(this.nextTick, wake, action);
      if (t > endMs) break;
      this.now = Math.max(this.now, t);
      if (action <= this.now) {
        this.actions.shift()!.run();
        this.pump();
      } else if (this.nextTick <= this.now) {
        this.tick();
      } else this.pump();
    }
    this.now = endMs;
    return this;
  }

  pump(): void {
    for (const o of this.flow.pump(this.now)) {
      if (o.kind === 'audio') {
        this.messages.push({ at: this.now, bytes: o.data.length });
        this.deliver(this.queue.binary(o.data));
      } else {
        const text = formatCommand(o.command, this.opts.json ?? true ? 'json' : 'plain-text');
        this.commands.push({ at: this.now, text });
        const r = this.queue.text(text);
        this.deliver(r.replies);
      }
    }
  }

  flush(): { droppedMs: number } {
    const r = this.flow.flush(this.now);
    for (const o of r.out) {
      if (o.kind === 'command') {
        const text = formatCommand(o.command, 'json');
        this.commands.push({ at: this.now, text });
        this.deliver(this.queue.text(text).replies);
      }
    }
    return { droppedMs: r.droppedMs };
  }

  private tick(): void {
    const t = this.nextTick;
    this.nextTick += 20;
    if (this.opts.stalls?.some(([a, b]) => t >= a && t < b)) return;
    const r = this.queue.tick();
    if (r.frame) this.played.push({ at: t, frame: r.frame });
    this.deliver(r.events);
    this.pump();
  }

  private deliver(events: string[]): void {
    for (const e of events) {
      const p = parseControlMessage(e);
      if (!p.ok) throw new Error(`sim: unreadable event ${e}`);
      const m = p.message;
      if (m.event === 'MEDIA_XOFF') this.flow.onXoff();
      else if (m.event === 'MEDIA_XON') this.flow.onXon();
      else if (m.event === 'STATUS') this.flow.onStatus(m.queueLength, this.now);
      else if (m.event === 'MEDIA_MARK_PROCESSED') {
        const read = () => {
          const o = this.flow.onMarkProcessed(m.correlationId, this.now);
          if (o) this.outcomes.push({ ...o, at: this.now });
        };
        if (this.opts.markReadLagMs) this.at(this.now + this.opts.markReadLagMs, read);
        else read();
      }
    }
  }
}

/** slin16 test signal whose 640-byte frames are all different (frame k = value k+1). */
export function numberedFrames(n: number, fb = 640): Buffer {
  const b = Buffer.alloc(n * fb);
  for (let k = 0; k < n; k++) for (let i = 0; i < fb; i += 2) b.writeInt16LE(k + 1, k * fb + i);
  return b;
}
