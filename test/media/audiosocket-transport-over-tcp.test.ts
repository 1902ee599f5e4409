import { createLogger } from '../../engine/src/observability/logger.js';
import { createAudioSocketTransport, type AudioSocketTransport } from '../../engine/src/media/audiosocket/audiosocket-transport.js';
import { createWorkerAudioSocketTransport } from '../../engine/src/media/media-worker/worker-audiosocket-transport.js';
import type { MediaLeg, MediaLegEvents } from '../../engine/src/media/transport.js';
import { createSineGenerator, sine, strongestTone } from '../../engine/src/media/signal.js';
import { AudioSocketPeer, audioOf, frame, AS_DTMF, AS_SLIN } from '../fakes/asterisk/audiosocket-peer.js';
import { pcmFromBytes } from '../fakes/asterisk/audio.js';

/** Generous: CI runs this suite on 2 busy cores. */
const WAIT = { timeout: 10_000, interval: 20 };

const log = createLogger({ level: 'silent' });
let transport: AudioSocketTransport;
const peers: AudioSocketPeer[] = [];
const bytes = { rx: 0, tx: 0 };

/** 0: legs in the engine's thread; 1: their sockets in a media worker thread (`audiosocket.media_workers`). */
let workers = 0;

function make(over: Partial<Parameters<typeof createAudioSocketTransport>[0]> = {}): AudioSocketTransport {
  const create = workers > 0 ? (o: Parameters<typeof createAudioSocketTransport>[0]) => createWorkerAudioSocketTransport({ ...o, workers }) : createAudioSocketTransport;
  return create({
    host: '127.0.0.1',
    advertiseHost: '10.1.2.3',
    port: 0,
    format: 'slin',
    underrun: 'silence',
    prebufferMs: 40,
    log,
    onBytes: (dir, n) => (bytes[dir] += n),
    ...over,
  });
}

/** Asterisk's side of the leg (the fake Asterisk's AudioSocket peer). */
async function peer(uuid: string | undefined, format: 'slin' | 'slin16' = 'slin'): Promise<AudioSocketPeer> {
  const p = await AudioSocketPeer.open('127.0.0.1', transport.port, uuid, format);
  peers.push(p);
  return p;
}

function nextClosed(leg: MediaLeg): Promise<MediaLegEvents['closed']> {
  return new Promise((resolve) => leg.events.once('closed', resolve));
}

afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await transport?.stop();
  expect(transport.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
});

describe.each([
  ['in the engine thread', 0],
  ['in a media worker', 1],
])('AudioSocket transport over real TCP, sockets %s', (_where, n) => {
  beforeAll(() => {
    workers = n;
  });

  it('allocates externalMedia params, accepts the UUID connection, carries audio and DTMF both ways, and cleans up on FIN', async () => {
    transport = make();
    await transport.start();
    expect(transport.health()).toMatchObject({ listening: true, advertise: `10.1.2.3:${transport.port}` });
    const pending = await transport.allocate('call-1');
    const uuid = pending.externalMedia.data!;
    expect(pending.externalMedia).toEqual({ external_host: `10.1.2.3:${transport.port}`, encapsulation: 'audiosocket', transport: 'tcp', format: 'slin', data: uuid });
    expect(pending.originateEndpoint).toBe(`AudioSocket/10.1.2.3:${transport.port}/${uuid}/c(slin)`);
    expect(transport.stats().pending).toBe(1);

    const p = await peer(uuid);
    const leg = await pending.connected;
    expect(leg.id).toBe('call-1');
    expect(leg.wireFormat).toEqual({ encoding: 'pcm16', sampleRate: 8000 });
    expect(transport.stats()).toMatchObject({ legs: 1, pending: 0, sockets: 1 });

    const inbound: Buffer[] = [];
    const digits: string[] = [];
    // Real frames only: the leg's inbound clock adds silent frames for the slots after the caller stopped.
    leg.events.on('audio', ({ frame, synthesized }) => !synthesized && inbound.push(Buffer.from(frame)));
    leg.events.on('dtmf', ({ digit }) => digits.push(digit));
    const tone = createSineGenerator(440, 8000);
    for (let i = 0; i < 10; i++) p.sendAudio(pcmFromBytes(tone.next(160)));
    p.sendDtmf('1');
    p.sendDtmf('#');
    await vi.waitFor(() => expect(digits).toEqual(['1', '#']), WAIT);
    expect(inbound).toHaveLength(10);
    expect(strongestTone(Buffer.concat(inbound), 8000, [440, 1000]).freqHz).toBe(440);

    // Outbound: 200 ms of 1 kHz go out as ten 320-byte slin frames (silence frames around them).
    const firstOut = new Promise((r) => leg.events.once('firstFrameOut', r));
    leg.enqueue(sine({ freqHz: 1000, sampleRate: 8000, ms: 200 }));
    await leg.whenDrained();
    await firstOut;
    await p.until((m) => audioOf(m).length >= 10);
    const out = audioOf(p.received);
    expect(out.map((b) => b.length)).toEqual(Array(10).fill(320));
    expect(strongestTone(Buffer.concat(out), 8000, [440, 1000]).freqHz).toBe(1000);
    expect(p.received.every((m) => m.type === 'audio')).toBe(true);
    expect(bytes.rx).toBeGreaterThan(10 * 323);
    expect(bytes.tx).toBeGreaterThanOrEqual(10 * 323);

    // Asterisk ends with a plain FIN.
    const closed = nextClosed(leg);
    p.close();
    await p.whenClosed;
    expect((await closed).reason).toBe('remote_hangup');
    expect(leg.closed).toBe(true);
    await vi.waitFor(() => expect(transport.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 }), WAIT);
  });

  it('an unknown UUID gets a 0xFF error frame and the connection is closed', async () => {
    transport = make();
    await transport.start();
    const p = await peer('11111111-2222-3333-4444-555555555555');
    await p.whenClosed;
    expect(p.received).toEqual([expect.objectContaining({ type: 'error' })]);
  });

  it('a frame before the UUID is a protocol violation: error frame and close', async () => {
    transport = make();
    await transport.start();
    const p = await peer(undefined);
    p.writeRaw(frame(AS_SLIN, Buffer.alloc(320)));
    await p.whenClosed;
    expect(p.received.map((m) => m.type)).toEqual(['error']);
  });

  it('a protocol violation mid-call closes the leg with an error after sending the 0xFF frame', async () => {
    transport = make({ underrun: 'nothing' });
    await transport.start();
    const pending = await transport.allocate('call-bad');
    const p = await peer(pending.externalMedia.data);
    const leg = await pending.connected;
    const closed = nextClosed(leg);
    p.writeRaw(frame(AS_DTMF, Buffer.from('12', 'ascii')));
    const ev = await closed;
    expect(ev.reason).toBe('error');
    expect(ev.error?.message).toMatch(/DTMF frame has 2 bytes/);
    await p.whenClosed;
    expect(p.received.at(-1)).toMatchObject({ type: 'error' });
  });

  it('slin16 legs send 0x12 frames of 640 bytes', async () => {
    transport = make({ format: 'slin16', underrun: 'nothing' });
    await transport.start();
    const pending = await transport.allocate('call-16');
    expect(pending.originateEndpoint).toMatch(/\/c\(slin16\)$/);
    const p = await peer(pending.externalMedia.data, 'slin16');
    const leg = await pending.connected;
    leg.enqueue(sine({ freqHz: 700, sampleRate: 16000, ms: 100 }));
    await p.until((m) => m.length >= 5);
    expect(p.received.map((m) => (m.type === 'audio' ? [m.sampleRate, m.payload.length] : m.type))).toEqual(Array(5).fill([16000, 640]));
  });

  it('leg.close() sends the 0x00 hangup frame, closes the socket and frees everything', async () => {
    transport = make({ underrun: 'nothing' });
    await transport.start();
    const pending = await transport.allocate('call-2');
    const p = await peer(pending.externalMedia.data);
    const leg = await pending.connected;
    const closed = nextClosed(leg);
    // Asterisk closes when it gets the hangup frame.
    p.socket.on('data', () => {
      if (p.received.some((m) => m.type === 'hangup')) p.socket.end();
    });
    await leg.close();
    expect((await closed).reason).toBe('local');
    await p.whenClosed;
    expect(p.received.at(-1)).toEqual({ type: 'hangup' });
    expect(transport.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
  });

  it('cancel() rejects the pending leg and frees its UUID; a late connection for it is refused', async () => {
    transport = make();
    await transport.start();
    const pending = await transport.allocate('call-3');
    pending.cancel('externalMedia failed');
    await expect(pending.connected).rejects.toThrow(/call-3: externalMedia failed/);
    expect(transport.stats().pending).toBe(0);
    const p = await peer(pending.externalMedia.data);
    await p.whenClosed;
    expect(p.received.map((m) => m.type)).toEqual(['error']);
  });

  it('stop() closes live legs and pending allocations', async () => {
    transport = make();
    await transport.start();
    const a = await transport.allocate('a');
    const b = await transport.allocate('b');
    const p = await peer(a.externalMedia.data);
    const leg = await a.connected;
    const closed = nextClosed(leg);
    await transport.stop();
    await expect(b.connected).rejects.toThrow(/transport stopped/);
    expect((await closed).reason).toBe('local');
    await p.whenClosed;
    expect(transport.health().listening).toBe(false);
  });

  it('a port already in use fails start() with the address in the error and in health()', async () => {
    transport = make();
    await transport.start();
    const second = make({ port: transport.port });
    await expect(second.start()).rejects.toThrow(`audiosocket: cannot listen on 127.0.0.1:${transport.port}: EADDRINUSE`);
    expect(second.health()).toMatchObject({ listening: false, reason: `cannot listen on 127.0.0.1:${transport.port}: EADDRINUSE` });
    await expect(second.allocate('x')).rejects.toThrow(/allocate\(\) before start\(\)/);
    await second.stop();
  });

  it('ten concurrent legs echoing their caller: each caller hears only its own tone', async () => {
    transport = make({ underrun: 'nothing', prebufferMs: 20 });
    await transport.start();
    const freqs = [400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300];
    const calls = await Promise.all(
      freqs.map(async (f, i) => {
        const pending = await transport.allocate(`call-${i}`);
        const p = await peer(pending.externalMedia.data);
        const leg = await pending.connected;
        leg.events.on('audio', ({ frame }) => leg.enqueue(Buffer.from(frame)));
        return { f, p, leg };
      }),
    );
    for (const c of calls) {
      const g = createSineGenerator(c.f, 8000);
      for (let k = 0; k < 15; k++) c.p.sendAudio(pcmFromBytes(g.next(160)));
    }
    await Promise.all(calls.map((c) => c.p.until((m) => audioOf(m).length >= 15)));
    for (const c of calls) {
      const heard = Buffer.concat(audioOf(c.p.received));
      expect(strongestTone(heard, 8000, freqs).freqHz).toBe(c.f);
    }
  });
});
