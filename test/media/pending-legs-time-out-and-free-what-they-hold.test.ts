/**
 * A leg allocated for a call whose connection from Asterisk never comes (the
 * externalMedia request failed silently, the PBX cannot reach us): the shared
 * pending-leg module times it out with a message naming the call, and the
 * transport frees what it held (the UUID; the UDP port), on both transports.
 */
import { createLogger } from '../../engine/src/observability/logger.js';
import { createAudioSocketTransport } from '../../engine/src/media/audiosocket/audiosocket-transport.js';
import { createRtpTransport } from '../../engine/src/media/rtp/rtp-transport.js';
import { AudioSocketPeer } from '../fakes/asterisk/audiosocket-peer.js';
import { freeUdpPorts } from '../support/free-udp-ports.js';

const log = createLogger({ level: 'silent' });

describe('pending legs', () => {
  it('AudioSocket: no connection within connectTimeoutMs → rejected naming the call; a late connection for that UUID is refused', async () => {
    const t = createAudioSocketTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', port: 0, format: 'slin', underrun: 'nothing', prebufferMs: 40, log, connectTimeoutMs: 50 });
    await t.start();
    try {
      const p = await t.allocate('call-late');
      await expect(p.connected).rejects.toThrow('audiosocket leg for call call-late: Asterisk did not connect within 50 ms');
      expect(t.stats()).toMatchObject({ pending: 0, legs: 0 });
      expect(t.activeTimers()).toBe(0);
      const peer = await AudioSocketPeer.open('127.0.0.1', t.port, p.externalMedia.data, 'slin');
      await peer.whenClosed;
      // Refused with an error frame (unknown UUID), as Asterisk is told when it names no pending leg.
      expect(peer.received.some((m) => m.type === 'error')).toBe(true);
      expect(t.stats().legs).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('RTP: no packet and no remote hint within connectTimeoutMs → rejected naming the call and port; the port is free again', async () => {
    const range = await freeUdpPorts(1);
    const t = createRtpTransport({ host: '127.0.0.1', advertiseHost: '127.0.0.1', portRange: range, jitterBufferMs: 40, prebufferMs: 40, log, connectTimeoutMs: 50 });
    await t.start();
    try {
      const p = await t.allocate('call-silent');
      await expect(p.connected).rejects.toThrow(`RTP leg for call call-silent (port ${range.start}): no RTP from Asterisk within 50 ms`);
      expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
      // The one port of the range can be allocated again; cancel() frees it the same way.
      const again = await t.allocate('call-next');
      again.cancel('externalMedia failed');
      await expect(again.connected).rejects.toThrow('RTP leg for call call-next (port');
      expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
      expect(t.activeTimers()).toBe(0);
    } finally {
      await t.stop();
    }
  });
});
