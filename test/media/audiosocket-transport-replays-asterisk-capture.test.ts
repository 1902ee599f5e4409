import { createLogger } from '../../engine/src/observability/logger.js';
import { createAudioSocketTransport, type AudioSocketTransport } from '../../engine/src/media/audiosocket/audiosocket-transport.js';
import { encodeUuid } from '../../engine/src/media/audiosocket/framing.js';
import { hasFixtures, noticeIfMissing, readFixture } from '../support/shared-fixtures.js';
import { AudioSocketPeer } from '../fakes/asterisk/audiosocket-peer.js';

noticeIfMissing();

let transport: AudioSocketTransport | undefined;
afterEach(async () => {
  await transport?.stop();
  transport = undefined;
});

describe.skipIf(!hasFixtures)('AudioSocket transport fed the byte stream Asterisk 22 sent (slin16 + DTMF)', () => {
  it('delivers all 382 audio frames and the digits 1 2 #, then closes on the FIN', async () => {
    transport = createAudioSocketTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', port: 0, format: 'slin16', underrun: 'nothing', prebufferMs: 40, log: createLogger({ level: 'silent' }) });
    await transport.start();
    const pending = await transport.allocate('replay');
    const capture = readFixture('audiosocket', 'externalmedia-slin16-dtmf.bin');
    // The capture's own UUID frame (19 bytes) is replaced by the one we allocated.
    const stream = Buffer.concat([encodeUuid(pending.externalMedia.data!), capture.subarray(19)]);
    const peer = await AudioSocketPeer.open('127.0.0.1', transport.port, undefined, 'slin16');
    peer.writeRaw(stream.subarray(0, 19));
    const leg = await pending.connected;
    const sizes: number[] = [];
    const digits: string[] = [];
    const short: Buffer[] = [];
    leg.events.on('audio', ({ frame, synthesized }) => {
      if (synthesized) return;
      sizes.push(frame.length);
      if (frame.subarray(-640 + 472).every((b) => b === 0) && frame.subarray(0, 48).some((b) => b !== 0)) short.push(frame);
    });
    leg.events.on('dtmf', ({ digit }) => digits.push(digit));
    const closed = new Promise<string>((r) => leg.events.once('closed', ({ reason }) => r(reason)));
    // Odd-sized writes so frames straddle TCP reads.
    for (let i = 19; i < stream.length; i += 1021) peer.writeRaw(stream.subarray(i, i + 1021));
    peer.close();
    expect(await closed).toBe('remote_hangup');
    // Every audio message is one clocked frame; the short end-of-prompt frames (48 and 472 B) are padded with silence.
    expect(sizes).toHaveLength(382);
    expect(sizes.every((n) => n === 640)).toBe(true);
    expect(short.length).toBeGreaterThanOrEqual(1);
    expect(digits).toEqual(['1', '2', '#']);
    expect(transport.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
  });
});
