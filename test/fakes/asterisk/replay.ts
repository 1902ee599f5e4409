/**
 * Plays a captured ARI event stream (../shared/fixtures/asterisk-22/ari/events/*.jsonl)
 * through the fake: each frame goes to the connected event sockets exactly as
 * captured (pretty-printed, like `pretty = yes`), and the channels it
 * describes become real fake channels, so an engine reacting to it can call
 * REST on them. Bridges and media of the capture are not materialised (the
 * engine builds its own). Gaps are compressed to `maxGapMs`.
 */
import type { FakeAsterisk } from './fake-asterisk.js';
import type { FakeChannel } from './model.js';

interface CapturedChannel {
  id: string;
  name: string;
  state: FakeChannel['state'];
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan: FakeChannel['dialplan'];
  channelvars?: Record<string, string>;
}

interface CapturedEvent {
  type: string;
  timestamp?: string;
  channel?: CapturedChannel;
  variable?: string;
  value?: string;
}

export async function replayCapture(fake: FakeAsterisk, events: CapturedEvent[], opts: { maxGapMs?: number } = {}): Promise<void> {
  const maxGap = opts.maxGapMs ?? 40;
  let prev: number | undefined;
  for (const ev of events) {
    const t = ev.timestamp ? Date.parse(ev.timestamp.replace(/\+0000$/, 'Z')) : undefined;
    if (prev !== undefined && t !== undefined) await new Promise((r) => setTimeout(r, Math.min(maxGap, Math.max(0, t - prev!))));
    if (t !== undefined) prev = t;
    materialise(fake, ev);
    fake.emitRaw(ev);
  }
}

function materialise(fake: FakeAsterisk, ev: CapturedEvent): void {
  const c = ev.channel;
  if (!c) return;
  let ch = fake.channels.get(c.id);
  if (!ch && ev.type !== 'ChannelDestroyed') {
    const media = c.name.startsWith('UnicastRTP/') || c.name.startsWith('AudioSocket/');
    ch = {
      id: c.id,
      name: c.name,
      state: c.state,
      caller: { ...c.caller },
      connected: { ...c.connected },
      dialplan: { ...c.dialplan },
      createdAt: Date.now(),
      vars: new Map(Object.entries(c.channelvars ?? {}).filter(([, v]) => v !== '')),
      destroyed: false,
      answered: false,
      role: media ? 'other' : 'caller',
      ...(media ? {} : { source: { pcm: new Int16Array(0), pos: 0, after: 'silence' as const }, received: [], heard: [], dtmfReceived: [] }),
    };
    fake.channels.set(c.id, ch);
  }
  if (!ch) return;
  ch.state = c.state;
  ch.caller = { ...c.caller };
  ch.dialplan = { ...c.dialplan };
  switch (ev.type) {
    case 'ChannelVarset':
      if (ev.variable) ch.vars.set(ev.variable, ev.value ?? '');
      break;
    case 'StasisStart':
      ch.stasisApp = 'asterisk-ai-voice-agent';
      break;
    case 'StasisEnd':
      ch.stasisApp = undefined;
      break;
    case 'ChannelDestroyed':
      fake.forget(ch);
      break;
  }
}
