import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createRtpTransport, type RtpTransport } from '../../engine/src/media/rtp/rtp-transport.js';
import { hasFixtures, noticeIfMissing, readFixture } from '../support/shared-fixtures.js';
import { freeUdpPorts } from '../support/free-udp-ports.js';

/** Generous: CI runs this suite on 2 busy cores. */
const WAIT = { timeout: 10_000, interval: 20 };

noticeIfMissing();

let transport: RtpTransport | undefined;
afterEach(async () => {
  await transport?.stop();
  transport = undefined;
});

describe.skipIf(!hasFixtures)('RTP transport fed the datagrams Asterisk 22 UnicastRTP sent', () => {
  it('delivers every payload in order (including the short end-of-prompt packets) and nothing is lost', async () => {
    transport = createRtpTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', portRange: await freeUdpPorts(1), jitterBufferMs: 60, prebufferMs: 40, log: createLogger({ level: 'silent' }) });
    await transport.start();
    const pending = await transport.allocate('replay');
    const port = Number(pending.externalMedia.external_host.split(':')[1]);
    const bin = readFixture('rtp', 'rtp-ulaw-from-asterisk.bin');
    const datagrams: Buffer[] = [];
    for (let i = 0; i < bin.length; ) {
      const n = bin.readUInt16BE(i);
      datagrams.push(bin.subarray(i + 2, i + 2 + n));
      i += 2 + n;
    }
    const asterisk = createSocket('udp4');
    await new Promise<void>((r) => asterisk.bind(0, '127.0.0.1', () => r()));
    try {
      pending.setRemoteHint!('127.0.0.1', asterisk.address().port);
      const leg = await pending.connected;
      const sizes: number[] = [];
      const tails: Buffer[] = [];
      leg.events.on('audio', ({ frame, synthesized }) => {
        if (synthesized) return;
        sizes.push(frame.length);
        tails.push(frame.subarray(136));
      });
      // 50 packets per burst (1 s of audio), so loopback socket buffers never overflow.
      for (let i = 0; i < datagrams.length; i += 50) {
        for (const d of datagrams.slice(i, i + 50)) asterisk.send(d, port, '127.0.0.1');
        await sleep(5);
      }
      await vi.waitFor(() => expect(sizes).toHaveLength(1202), WAIT);
      // One clocked 160-byte frame per packet; the short end-of-prompt packets (149, 136 B) are padded with µ-law silence.
      expect(sizes.every((n) => n === 160)).toBe(true);
      expect(tails[598]!.subarray(149 - 136).every((b) => b === 0xff)).toBe(true);
      expect(tails[1101]!.every((b) => b === 0xff)).toBe(true);
      expect(transport.legStats('replay')).toMatchObject({ packetsIn: 1202, lost: 0, late: 0, droppedForeign: 0 });
    } finally {
      asterisk.close();
    }
  });
});
