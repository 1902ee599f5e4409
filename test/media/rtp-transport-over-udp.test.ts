import { performance } from 'node:perf_hooks';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createRtpTransport, type RtpTransport } from '../../engine/src/media/rtp/rtp-transport.js';
import { seqDiff } from '../../engine/src/media/rtp/packet.js';
import { pcm16ToUlaw, ulawToPcm16 } from '../../engine/src/media/codecs/g711.js';
import { createSineGenerator, strongestTone } from '../../engine/src/media/signal.js';
import type { MediaLeg } from '../../engine/src/media/transport.js';
import { RtpPeer } from '../fakes/asterisk/rtp-peer.js';
import { freeUdpPorts as freePorts } from '../support/free-udp-ports.js';

/** Generous: CI runs this suite on 2 busy cores. */
const WAIT = { timeout: 10_000, interval: 20 };

const log = createLogger({ level: 'silent' });
let transport: RtpTransport | undefined;
const peers: RtpPeer[] = [];

async function make(portRange: { start: number; end: number }, jitterBufferMs = 40): Promise<RtpTransport> {
  transport = createRtpTransport({ host: '127.0.0.1', advertiseHost: '192.0.2.10', portRange, jitterBufferMs, prebufferMs: 40, log });
  await transport.start();
  return transport;
}

function portOf(external: string): number {
  return Number(external.split(':')[1]);
}

/** Asterisk's side of the leg (the fake Asterisk's RTP peer), sending to the engine's `port`. */
async function rtpPeer(port: number, ssrc?: number): Promise<RtpPeer> {
  const p = await RtpPeer.open({ bindHost: '127.0.0.1', remoteHost: '127.0.0.1', remotePort: port, ssrc });
  peers.push(p);
  return p;
}

const ulawTone = (f: number) => {
  const g = createSineGenerator(f, 8000);
  return () => pcm16ToUlaw(g.next(160));
};

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  if (transport) {
    await transport.stop();
    expect(transport.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
  }
  transport = undefined;
});

describe('ExternalMedia RTP transport over real UDP', () => {
  it('allocates a port from the range and the externalMedia params Asterisk needs', async () => {
    const range = await freePorts(3);
    const t = await make(range);
    const a = await t.allocate('a');
    const b = await t.allocate('b');
    expect(a.externalMedia).toEqual({ external_host: `192.0.2.10:${range.start}`, encapsulation: 'rtp', transport: 'udp', format: 'ulaw', direction: 'both' });
    expect(portOf(b.externalMedia.external_host)).toBe(range.start + 1);
    expect(t.stats()).toEqual({ legs: 0, pending: 2, sockets: 2, ports: 2 });
    a.cancel('externalMedia failed');
    await expect(a.connected).rejects.toThrow(/call a .*externalMedia failed/);
    expect(t.stats().ports).toBe(1);
  });

  it('rejects an invalid port range naming the config key', () => {
    expect(() => createRtpTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', portRange: { start: 18099, end: 18080 }, jitterBufferMs: 40, prebufferMs: 40, log })).toThrow(
      'external_media.port_range: 18099–18080 is not a valid port range (1–65535, start ≤ end)',
    );
  });

  it('port range 0–0 binds any free port per call (for tests on port 0)', async () => {
    const t = await make({ start: 0, end: 0 });
    const a = await t.allocate('a');
    const b = await t.allocate('b');
    const pa = portOf(a.externalMedia.external_host);
    const pb = portOf(b.externalMedia.external_host);
    expect(pa).toBeGreaterThan(0);
    expect(pb).not.toBe(pa);
    const peer = await rtpPeer(pa);
    peer.sendNumbered(0, Buffer.alloc(160, 0xff));
    const leg = await a.connected;
    expect(leg.id).toBe('a');
    expect(t.stats()).toEqual({ legs: 1, pending: 1, sockets: 2, ports: 2 });
  });

  it('reports exhaustion clearly', async () => {
    const range = await freePorts(2);
    const t = await make(range);
    await t.allocate('a');
    await t.allocate('b');
    await expect(t.allocate('c')).rejects.toThrow(`no free RTP port in ${range.start}–${range.end}: 2 calls active`);
  });

  it('learns the remote from the first packet, locks it, and sends µ-law PT 0 with correct seq/timestamp/SSRC', async () => {
    const t = await make(await freePorts(1));
    const pending = await t.allocate('call-1');
    const port = portOf(pending.externalMedia.external_host);
    const asterisk = await rtpPeer(port);
    const intruder = await rtpPeer(port, 0x55555555);
    const tone = ulawTone(500);
    asterisk.sendNumbered(0, tone());
    const leg: MediaLeg = await pending.connected;
    expect(leg.wireFormat).toEqual({ encoding: 'ulaw', sampleRate: 8000 });
    const heard: Buffer[] = [];
    // Real frames only: the leg's inbound clock adds silent frames for the slots after the packets stopped.
    leg.events.on('audio', ({ frame, synthesized }) => !synthesized && heard.push(Buffer.from(frame)));
    for (let n = 1; n <= 10; n++) asterisk.sendNumbered(n, tone());
    intruder.sendNumbered(0, Buffer.alloc(160, 0x00));
    await vi.waitFor(() => expect(heard.length).toBe(10), WAIT);
    await vi.waitFor(() => expect(t.legStats('call-1')?.droppedForeign).toBe(1), WAIT);
    expect(strongestTone(ulawToPcm16(Buffer.concat(heard)), 8000, [500, 1000]).freqHz).toBe(500);

    // Outbound: 200 ms of µ-law → 10 packets to the locked remote only.
    const out = ulawTone(1000);
    leg.enqueue(Buffer.concat(Array.from({ length: 10 }, () => out())));
    await leg.whenDrained();
    await asterisk.until((p) => p.length >= 10);
    const pk = asterisk.received;
    expect(pk).toHaveLength(10);
    expect(intruder.received).toHaveLength(0);
    expect(pk.every((p) => p.payloadType === 0 && p.payload.length === 160 && p.ssrc === pk[0]!.ssrc)).toBe(true);
    expect(pk[0]!.ssrc).not.toBe(asterisk.ssrc);
    expect(pk[0]!.marker).toBe(true);
    expect(pk.slice(1).some((p) => p.marker)).toBe(false);
    for (let i = 1; i < pk.length; i++) {
      expect(seqDiff(pk[i]!.seq, pk[i - 1]!.seq)).toBe(1);
      expect((pk[i]!.timestamp - pk[i - 1]!.timestamp) >>> 0).toBe(160);
    }
    expect(strongestTone(ulawToPcm16(Buffer.concat(pk.map((p) => p.payload))), 8000, [500, 1000]).freqHz).toBe(1000);

    // Our own packets looped back are dropped.
    asterisk.sendPacket({ seq: 1, ts: 1, ssrc: pk[0]!.ssrc, payload: Buffer.alloc(160) });
    await vi.waitFor(() => expect(t.legStats('call-1')?.droppedOwnSsrc).toBe(1), WAIT);
    expect(heard).toHaveLength(10);

    await leg.close();
    expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
  });

  it('setRemoteHint (UNICASTRTP_LOCAL_ADDRESS/PORT) connects at once and locks the remote before any packet', async () => {
    const t = await make(await freePorts(1));
    const pending = await t.allocate('call-2');
    const port = portOf(pending.externalMedia.external_host);
    const asterisk = await rtpPeer(port);
    const other = await rtpPeer(port);
    pending.setRemoteHint!('127.0.0.1', asterisk.port);
    const leg = await pending.connected;
    leg.enqueue(Buffer.alloc(480, 0x7a));
    await asterisk.until((p) => p.length >= 3);
    const heard: Buffer[] = [];
    leg.events.on('audio', ({ frame, synthesized }) => !synthesized && heard.push(frame));
    other.sendNumbered(0, Buffer.alloc(160, 1));
    asterisk.sendNumbered(0, Buffer.alloc(160, 2));
    await vi.waitFor(() => expect(heard).toHaveLength(1), WAIT);
    expect(heard[0]![0]).toBe(2);
    expect(t.legStats('call-2')?.droppedForeign).toBe(1);
  });

  it('a second talkspurt starts with the marker bit and a timestamp that jumped by the silent gap', async () => {
    const t = await make(await freePorts(1));
    const pending = await t.allocate('call-ts');
    const asterisk = await rtpPeer(portOf(pending.externalMedia.external_host));
    const arrivals: number[] = [];
    asterisk.socket.on('message', () => arrivals.push(performance.now()));
    pending.setRemoteHint!('127.0.0.1', asterisk.port);
    const leg = await pending.connected;
    leg.enqueue(Buffer.alloc(480, 0x11));
    await leg.whenDrained();
    await new Promise((r) => setTimeout(r, 200));
    leg.enqueue(Buffer.alloc(480, 0x22));
    await asterisk.until((p) => p.length >= 6);
    const pk = asterisk.received;
    expect(pk.map((p) => p.marker)).toEqual([true, false, false, true, false, false]);
    for (let i = 1; i < 6; i++) expect(seqDiff(pk[i]!.seq, pk[i - 1]!.seq)).toBe(1);
    const tsGapMs = ((pk[3]!.timestamp - pk[2]!.timestamp) >>> 0) / 8;
    const wallGapMs = arrivals[3]! - arrivals[2]!;
    expect(tsGapMs).toBeGreaterThan(180);
    // Functional tolerance (the test process shares 2 busy cores): the timestamp follows the pacing clock.
    expect(Math.abs(tsGapMs - wallGapMs)).toBeLessThanOrEqual(100);
  });

  it('reordered packets come out in order; a lost one becomes a µ-law silence frame', async () => {
    const t = await make(await freePorts(1), 60);
    const pending = await t.allocate('call-3');
    const asterisk = await rtpPeer(portOf(pending.externalMedia.external_host));
    pending.setRemoteHint!('127.0.0.1', asterisk.port);
    const leg = await pending.connected;
    const heard: number[] = [];
    leg.events.on('audio', ({ frame }) => heard.push(frame[0]!));
    for (const n of [0, 2, 1, 3, 5, 6]) asterisk.sendNumbered(n, Buffer.alloc(160, n + 1));
    // The lost packet's slot is synthesized (µ-law silence); the clock's own silent slots follow after the last packet.
    await vi.waitFor(() => expect(heard.slice(0, 7)).toEqual([1, 2, 3, 4, 0xff, 6, 7]), WAIT);
    expect(t.legStats('call-3')).toMatchObject({ lost: 1, reordered: 1 });
  });

  it('after a silent gap the sender skipped (sequence + 1, timestamp jumped), the skipped slots are synthesized and the packet is kept', async () => {
    const t = await make(await freePorts(1));
    const pending = await t.allocate('call-dtx');
    const port = portOf(pending.externalMedia.external_host);
    const asterisk = await rtpPeer(port);
    pending.setRemoteHint!('127.0.0.1', asterisk.port);
    const leg = await pending.connected;
    const out: Array<{ kind: string; at: number }> = [];
    leg.events.on('audio', ({ synthesized, at }) => out.push({ kind: synthesized ? 's' : 'r', at }));
    const send = (seq: number, ts: number) => asterisk.sendPacket({ seq, ts, payload: Buffer.alloc(160, 0x55) });
    send(100, 160);
    await vi.waitFor(() => expect(out.map((o) => o.kind)).toEqual(['r']), WAIT);
    await new Promise((r) => setTimeout(r, 100));
    // The next packet says 40 frames (800 ms) were skipped: more than the clock has filled on its own so far.
    send(101, 160 + 41 * 160);
    await vi.waitFor(() => expect(out.filter((o) => o.kind === 'r')).toHaveLength(2), WAIT);
    const second = out.findLastIndex((o) => o.kind === 'r');
    const between = out.slice(1, second);
    expect(between.every((o) => o.kind === 's')).toBe(true);
    expect(between.length).toBeLessThanOrEqual(40);
    // Some of them were synthesized on the packet's arrival, from its timestamp, right before it.
    expect(out[second - 1]!.at).toBe(out[second]!.at);
  });

  it('RFC 4733 telephone-events become one dtmf event per digit', async () => {
    const t = await make(await freePorts(1));
    const pending = await t.allocate('call-4');
    const asterisk = await rtpPeer(portOf(pending.externalMedia.external_host));
    pending.setRemoteHint!('127.0.0.1', asterisk.port);
    const leg = await pending.connected;
    const digits: string[] = [];
    leg.events.on('dtmf', ({ digit }) => digits.push(digit));
    const ev = (code: number, end: boolean) => Buffer.from([code, end ? 0x8a : 0x0a, 0x03, 0x20]);
    asterisk.sendNumbered(0, ev(5, false), { payloadType: 101 });
    asterisk.sendNumbered(1, ev(5, true), { payloadType: 101 });
    // The end packet repeated, as RFC 4733 senders do: next sequence number, the same timestamp.
    asterisk.sendPacket({ seq: asterisk.firstSeq + 2, ts: 320, payload: ev(5, true), payloadType: 101 });
    asterisk.sendNumbered(3, ev(11, true), { payloadType: 101 });
    await vi.waitFor(() => expect(digits).toEqual(['5', '#']), WAIT);
  });

  it('ten concurrent legs echoing: each peer hears only its own tone; stop() frees every port', async () => {
    const t = await make(await freePorts(10), 20);
    const freqs = [400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300];
    const calls = await Promise.all(
      freqs.map(async (f, i) => {
        const pending = await t.allocate(`c${i}`);
        const peer = await rtpPeer(portOf(pending.externalMedia.external_host), 0x1000 + i);
        pending.setRemoteHint!('127.0.0.1', peer.port);
        const leg = await pending.connected;
        leg.events.on('audio', ({ frame }) => leg.enqueue(Buffer.from(frame)));
        return { f, peer };
      }),
    );
    for (const c of calls) {
      const tone = ulawTone(c.f);
      for (let n = 0; n < 15; n++) c.peer.sendNumbered(n, tone());
    }
    await Promise.all(calls.map((c) => c.peer.until((p) => p.length >= 15)));
    for (const c of calls) {
      const pcm = ulawToPcm16(Buffer.concat(c.peer.received.map((p) => p.payload)));
      expect(strongestTone(pcm, 8000, freqs).freqHz).toBe(c.f);
    }
    expect(t.stats().legs).toBe(10);
  });
});
