import { createLogger } from '../../engine/src/observability/logger.js';
import { createAudioSocketTransport } from '../../engine/src/media/audiosocket/audiosocket-transport.js';
import { createWorkerAudioSocketTransport, type WorkerAudioSocketTransport } from '../../engine/src/media/media-worker/worker-audiosocket-transport.js';
import { createRtpTransport } from '../../engine/src/media/rtp/rtp-transport.js';
import type { MediaLeg } from '../../engine/src/media/transport.js';
import { sine } from '../../engine/src/media/signal.js';
import { AudioSocketPeer, frame, AS_HANGUP, AS_SLIN } from '../fakes/asterisk/audiosocket-peer.js';
import { RtpPeer } from '../fakes/asterisk/rtp-peer.js';
import { freeUdpPorts } from '../support/free-udp-ports.js';
import { shuffled } from '../support/seeded.js';

const log = createLogger({ level: 'silent' });

const closedOnce = (leg: MediaLeg) => new Promise<void>((r) => leg.events.once('closed', () => r()));

describe('transports leave nothing behind', () => {
  it.each([
    ['in the engine thread', 0],
    ['in two media workers', 2],
  ])('AudioSocket (sockets %s): 30 calls ended in random ways and orders → no legs, sockets, pending UUIDs or timers', async (_where, workers) => {
    const opts = { host: '127.0.0.1', advertiseHost: '127.0.0.1', port: 0, format: 'slin', underrun: 'silence', prebufferMs: 40, log } as const;
    const t = workers > 0 ? createWorkerAudioSocketTransport({ ...opts, workers }) : createAudioSocketTransport(opts);
    await t.start();
    const endings = ['fin', 'local', 'cancel', 'hangup-frame', 'violation', 'stop'] as const;
    const calls: Array<{ ending: (typeof endings)[number]; peer?: AudioSocketPeer; leg?: MediaLeg; cancel: () => void }> = [];
    for (let i = 0; i < 30; i++) {
      const ending = endings[i % endings.length]!;
      const pending = await t.allocate(`as-${i}`);
      if (ending === 'cancel') {
        calls.push({ ending, cancel: () => pending.cancel('test') });
        continue;
      }
      const port = Number(pending.externalMedia.external_host.split(':')[1]);
      const peer = await AudioSocketPeer.open('127.0.0.1', port, pending.externalMedia.data, 'slin');
      peer.socket.on('data', () => {
        if (peer.received.some((m) => m.type === 'hangup')) peer.socket.end();
      });
      const leg = await pending.connected;
      if (i % 2 === 0) leg.enqueue(sine({ freqHz: 300 + i * 10, sampleRate: 8000, ms: 500 }));
      calls.push({ ending, peer, leg, cancel: () => undefined });
    }
    expect(t.stats().legs).toBe(25);
    for (const c of shuffled(calls, 7)) {
      const closed = c.leg ? closedOnce(c.leg) : Promise.resolve();
      switch (c.ending) {
        case 'fin':
          c.peer!.close();
          break;
        case 'local':
          await c.leg!.close();
          break;
        case 'cancel':
          c.cancel();
          break;
        case 'hangup-frame':
          c.peer!.writeRaw(frame(AS_HANGUP));
          break;
        case 'violation':
          c.peer!.writeRaw(frame(AS_SLIN, Buffer.from([1, 2, 3])));
          break;
        case 'stop':
          continue;
      }
      await closed;
    }
    if (workers > 0) {
      // Calls went to both workers (two ports); what is left there is the 'stop' calls' legs and nothing else.
      const stats = await (t as WorkerAudioSocketTransport).workerStats();
      expect(stats.map((w) => w.legs).reduce((a, b) => a + b)).toBe(calls.filter((c) => c.ending === 'stop').length);
      expect(new Set(calls.flatMap((c) => (c.peer ? [c.peer.socket.remotePort] : []))).size).toBe(2);
      // timers: the worker's media clock while it paces a leg, no UUID wait left
      expect(stats.map((w) => [w.pending, w.timers - (w.legs > 0 ? 1 : 0), w.sockets - w.legs])).toEqual(stats.map(() => [0, 0, 0]));
    }
    await t.stop();
    expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
    expect(t.activeTimers()).toBe(0);
    for (const c of calls) if (c.peer) await c.peer.whenClosed;
  });

  it('RTP: 20 calls (cancelled, hinted, learned from a packet, closed, left for stop) → every port and timer freed', async () => {
    const range = await freeUdpPorts(20);
    const t = createRtpTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', portRange: range, jitterBufferMs: 40, prebufferMs: 20, log });
    await t.start();
    const peers: RtpPeer[] = [];
    const endings = ['cancel', 'hint-close', 'learn-close', 'stop'] as const;
    const calls: Array<{ ending: (typeof endings)[number]; leg?: MediaLeg; cancel: () => void }> = [];
    for (let i = 0; i < 20; i++) {
      const ending = endings[i % endings.length]!;
      const pending = await t.allocate(`rtp-${i}`);
      const port = Number(pending.externalMedia.external_host.split(':')[1]);
      if (ending === 'cancel') {
        calls.push({ ending, cancel: () => pending.cancel('test') });
        continue;
      }
      const peer = await RtpPeer.open({ bindHost: '127.0.0.1', remoteHost: '127.0.0.1', remotePort: port, ssrc: 0x2000 + i });
      peers.push(peer);
      if (ending === 'learn-close') {
        peer.sendNumbered(0, Buffer.alloc(160, 0xff));
        // A gap so the jitter buffer holds a packet (and arms its timer) when the leg closes.
        peer.sendNumbered(2, Buffer.alloc(160, 0xff));
      } else pending.setRemoteHint!('127.0.0.1', peer.port);
      const leg = await pending.connected;
      leg.enqueue(Buffer.alloc(1600, 0x55));
      calls.push({ ending, leg, cancel: () => undefined });
    }
    expect(t.stats()).toMatchObject({ ports: 20, sockets: 20 });
    for (const c of shuffled(calls, 11)) {
      if (c.ending === 'cancel') c.cancel();
      else if (c.ending !== 'stop') await c.leg!.close();
    }
    expect(t.stats()).toEqual({ legs: 5, pending: 0, sockets: 5, ports: 5 });
    await t.stop();
    expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
    expect(t.activeTimers()).toBe(0);
    // Every port can be bound again.
    const again = createRtpTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', portRange: range, jitterBufferMs: 40, prebufferMs: 20, log });
    await again.start();
    for (let i = 0; i < 20; i++) await again.allocate(`again-${i}`);
    expect(again.stats().ports).toBe(20);
    await again.stop();
    for (const p of peers) p.close();
  });
});
