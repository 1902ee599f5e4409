/**
 * Asterisk 22.10.1 chan_websocket's outbound side as a pure model (no
 * timers, no sockets): what it does with the app's BINARY and TEXT messages
 * and what one 20 ms playout tick produces. Each rule follows
 * ../shared/fixtures/asterisk-22/websocket (README sections in brackets):
 * - BINARY is cut into optimal_frame_size frames; without buffering mode the
 *   bytes after the last whole frame of each message are dropped [§3 E5, E5b];
 *   with START/STOP_MEDIA_BUFFERING partial frames are joined and the leftover
 *   is queued as one short frame, not padded [§3 E6, F3].
 * - MEDIA_XOFF when the queue reaches xoff (900) frames; MEDIA_XON on the first
 *   tick that finds it below xon (800); a message that arrives while the queue
 *   holds ≥ max (1000) frames is dropped whole and silently [§3 E8, F4].
 * - Marks and BUFFERING_COMPLETED wait in the queue and fire on the tick after
 *   the last frame before them; control items never use up a tick's frame;
 *   QUEUE_DRAINED fires on the first tick that finds the queue empty [§3, note 8].
 * - FLUSH_MEDIA empties the queue, its marks and buffering; it keeps PAUSE [§3 E4, pause-flush].
 * - An empty or paused queue plays nothing: no silence frames [note 1, 3].
 * - TEXT over 128 bytes, unknown or lower-case commands, JSON on a plain-text
 *   channel: no reply. JSON-mode parse errors and direction checks: ERROR [§3 E9, F5].
 * - GET_STATUS is answered at once [§3 E2].
 */

export interface QueueLevels {
  xon: number;
  xoff: number;
  max: number;
}

export const ASTERISK_LEVELS: QueueLevels = { xon: 800, xoff: 900, max: 1000 };
export const MAX_TEXT_BYTES = 128;

type Item = { kind: 'frame'; data: Buffer } | { kind: 'event'; text: string };

export interface ChanWebSocketQueueStats {
  /** Highest number of frames ever queued. */
  maxQueue: number;
  messagesDropped: number;
  bytesDropped: number;
  framesQueued: number;
  framesPlayed: number;
  flushes: number;
  /** Frames discarded by FLUSH_MEDIA. */
  framesFlushed: number;
  xoffs: number;
  ignoredTexts: string[];
}

export class ChanWebSocketQueue {
  private readonly items: Item[] = [];
  private frames = 0;
  private queueFull = false;
  private paused = false;
  private bulk = false;
  private leftover = Buffer.alloc(0);
  private reportDrained = false;
  direction: 'both' | 'in' | 'out' = 'both';
  readonly levels: QueueLevels;
  readonly stats: ChanWebSocketQueueStats = { maxQueue: 0, messagesDropped: 0, bytesDropped: 0, framesQueued: 0, framesPlayed: 0, flushes: 0, framesFlushed: 0, xoffs: 0, ignoredTexts: [] };

  constructor(
    private readonly opts: { frameBytes: number; channelId: string; json: boolean; levels?: QueueLevels },
  ) {
    this.levels = opts.levels ?? ASTERISK_LEVELS;
  }

  get queueLength(): number {
    return this.frames;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** One BINARY message from the app; returns the events Asterisk sends right away (MEDIA_XOFF). */
  binary(data: Buffer): string[] {
    if (this.frames >= this.levels.max) {
      this.stats.messagesDropped++;
      this.stats.bytesDropped += data.length;
      return [];
    }
    if (this.direction === 'in') return [];
    const out: string[] = [];
    const fb = this.opts.frameBytes;
    let buf = data;
    if (this.bulk && this.leftover.length) {
      buf = Buffer.concat([this.leftover, data]);
      this.leftover = Buffer.alloc(0);
    }
    let i = 0;
    for (; i + fb <= buf.length; i += fb) this.queueFrame(Buffer.from(buf.subarray(i, i + fb)), out);
    const rest = buf.length - i;
    if (rest > 0 && this.bulk) this.leftover = Buffer.from(buf.subarray(i));
    else if (rest > 0) this.stats.bytesDropped += rest;
    return out;
  }

  /** One TEXT message from the app. */
  text(raw: string): { replies: string[]; action?: 'answer' | 'hangup' } {
    if (Buffer.byteLength(raw) > MAX_TEXT_BYTES || raw.length === 0) {
      this.stats.ignoredTexts.push(raw);
      return { replies: [] };
    }
    const cmd = this.readCommand(raw.trim());
    if (!('name' in cmd)) return { replies: cmd.error ? [this.event('ERROR', { error_text: cmd.error })] : [] };
    return this.run(cmd.name, cmd.arg, cmd.direction);
  }

  /** One 20 ms tick: fires the control items at the head, then plays at most one frame. */
  tick(): { frame?: Buffer; events: string[] } {
    const events: string[] = [];
    if (this.paused) return { events };
    if (this.queueFull && this.frames < this.levels.xon) {
      this.queueFull = false;
      events.push(this.event('MEDIA_XON'));
    }
    if (!this.items.length) {
      if (this.reportDrained) {
        this.reportDrained = false;
        events.push(this.event('QUEUE_DRAINED'));
      }
      return { events };
    }
    while (this.items[0]?.kind === 'event') events.push((this.items.shift() as { text: string }).text);
    const head = this.items.shift();
    if (!head) return { events };
    this.frames--;
    this.stats.framesPlayed++;
    return { frame: (head as { data: Buffer }).data, events };
  }

  /** STATUS as Asterisk formats it for this channel. */
  status(): string {
    return this.event('STATUS', {
      queue_length: this.frames,
      xon_level: this.levels.xon,
      xoff_level: this.levels.xoff,
      queue_full: this.queueFull,
      bulk_media: this.bulk,
      media_paused: this.paused,
    });
  }

  /** An event in this channel's control format (field order as chan_websocket writes them). */
  event(name: string, fields: Record<string, string | number | boolean> = {}): string {
    const id = this.opts.channelId;
    if (this.opts.json) return JSON.stringify({ event: name, channel_id: id, ...fields });
    if (name === 'MEDIA_XON' || name === 'MEDIA_XOFF' || name === 'QUEUE_DRAINED') return name;
    if (name === 'MEDIA_MARK_PROCESSED' || name === 'MEDIA_BUFFERING_COMPLETED') {
      const cid = String(fields.correlation_id ?? '');
      return cid ? `${name} ${cid}` : name;
    }
    if (name === 'DTMF_END') return `DTMF_END digit:${fields.digit} channel_id:${id}`;
    const rest = Object.entries(fields).map(([k, v]) => `${k}:${v}`);
    return [name, `channel_id:${id}`, ...rest].join(' ');
  }

  // ---- internals ---------------------------------------------------------------

  private queueFrame(frame: Buffer, out: string[]): void {
    this.items.push({ kind: 'frame', data: frame });
    this.frames++;
    this.stats.framesQueued++;
    this.stats.maxQueue = Math.max(this.stats.maxQueue, this.frames);
    if (!this.queueFull && this.frames >= this.levels.xoff) {
      this.queueFull = true;
      this.stats.xoffs++;
      out.push(this.event('MEDIA_XOFF'));
    }
  }

  private readCommand(text: string): { name: string; arg?: string; direction?: unknown } | { error?: string } {
    if (!this.opts.json) {
      const sp = text.indexOf(' ');
      return sp < 0 ? { name: text } : { name: text.slice(0, sp), arg: text.slice(sp + 1) };
    }
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      return { error: 'Unable to parse JSON command' };
    }
    if (!o || typeof o !== 'object') return { error: 'Unable to parse JSON command' };
    const r = o as { command?: unknown; correlation_id?: unknown; direction?: unknown };
    if (typeof r.command !== 'string') return {};
    return { name: r.command, arg: typeof r.correlation_id === 'string' ? r.correlation_id : undefined, direction: r.direction };
  }

  private run(name: string, arg: string | undefined, direction: unknown): { replies: string[]; action?: 'answer' | 'hangup' } {
    const refuseIn = (): { replies: string[] } | undefined =>
      this.direction === 'in' ? { replies: [this.event('ERROR', { error_text: `${name} not supported while media direction is 'in'` })] } : undefined;
    switch (name) {
      case 'ANSWER':
        return { replies: [], action: 'answer' };
      case 'HANGUP':
        return { replies: [], action: 'hangup' };
      case 'GET_STATUS':
        return { replies: [this.status()] };
      case 'MARK_MEDIA':
        return refuseIn() ?? this.queueEvent(this.event('MEDIA_MARK_PROCESSED', { correlation_id: arg ?? '' }));
      case 'START_MEDIA_BUFFERING':
        if (refuseIn()) return refuseIn()!;
        this.bulk = true;
        return { replies: [] };
      case 'STOP_MEDIA_BUFFERING': {
        this.bulk = false;
        if (this.leftover.length) this.queueFrame(this.leftover, []);
        this.leftover = Buffer.alloc(0);
        return this.queueEvent(this.event('MEDIA_BUFFERING_COMPLETED', { correlation_id: arg ?? '' }));
      }
      case 'FLUSH_MEDIA':
        this.stats.flushes++;
        this.stats.framesFlushed += this.frames;
        this.items.length = 0;
        this.frames = 0;
        this.bulk = false;
        this.leftover = Buffer.alloc(0);
        return { replies: [] };
      case 'PAUSE_MEDIA':
      case 'CONTINUE_MEDIA':
        this.paused = name === 'PAUSE_MEDIA';
        return { replies: [] };
      case 'REPORT_QUEUE_DRAINED':
        this.reportDrained = true;
        return { replies: [] };
      case 'SET_MEDIA_DIRECTION':
        return this.setDirection(direction);
      default:
        this.stats.ignoredTexts.push(name);
        return { replies: [] };
    }
  }

  private queueEvent(text: string): { replies: string[] } {
    this.items.push({ kind: 'event', text });
    return { replies: [] };
  }

  private setDirection(direction: unknown): { replies: string[] } {
    if (!this.opts.json) return { replies: [this.event('ERROR', { error_text: 'SET_MEDIA_DIRECTION only supports JSON format.\n' })] };
    if (direction === undefined) return { replies: [this.event('ERROR', { error_text: "SET_MEDIA_DIRECTION requires a 'direction' parameter.\n" })] };
    if (direction !== 'in' && direction !== 'out' && direction !== 'both') {
      return { replies: [this.event('ERROR', { error_text: `'${String(direction)}' is not a valid direction for SET_MEDIA_DIRECTION.\n` })] };
    }
    this.direction = direction;
    return { replies: [] };
  }
}
