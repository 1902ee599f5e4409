import { InboundWatchdog, isOneWayAudio, summarizeStats, type StatLike } from '../../renderer/src/softphone/logic/stats';
import { mediaError, sipResponseError, transportError } from '../../renderer/src/softphone/logic/errors';
import { dtmfFrequencies, isDtmfDigit, sanitizeDialString } from '../../renderer/src/softphone/logic/dtmf';

const chromeLikeReport: StatLike[] = [
  { id: 'COT01_111', type: 'codec', mimeType: 'audio/opus', clockRate: 48000 },
  { id: 'IT01A', type: 'inbound-rtp', kind: 'audio', codecId: 'COT01_111', jitter: 0.004, jitterBufferDelay: 19616, jitterBufferEmittedCount: 470400, packetsReceived: 980, packetsLost: 20, bytesReceived: 70000 },
  { id: 'OT01A', type: 'outbound-rtp', kind: 'audio', codecId: 'COT01_111', packetsSent: 1000 },
  { id: 'RI01A', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.048 },
  { id: 'CP1', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.05 },
];

describe('getStats summary', () => {
  it('extracts codec, RTT, jitter, loss and a MOS estimate', () => {
    const s = summarizeStats(chromeLikeReport);
    expect(s.codec).toBe('opus');
    expect(s.rttMs).toBe(48);
    expect(s.jitterMs).toBe(4);
    expect(s.packetLossPct).toBe(2);
    expect(s.jitterBufferMs).toBeCloseTo(41.7, 1);
    expect(s.packetsReceived).toBe(980);
    expect(s.mos).toBeGreaterThan(3.5);
    expect(s.mos).toBeLessThan(4.5);
  });

  it('reports the jitter buffer over the last interval when given the previous sample', () => {
    const first = summarizeStats(chromeLikeReport);
    const later = chromeLikeReport.map((r) => (r.type === 'inbound-rtp' ? { ...r, jitterBufferDelay: 19616 + 48000 * 0.02, jitterBufferEmittedCount: 470400 + 48000 } : r));
    expect(summarizeStats(later, first).jitterBufferMs).toBeCloseTo(20, 1);
    expect(summarizeStats(later).jitterBufferMs).toBeCloseTo((19616 + 960) / 518.4, 1);
  });

  it('falls back to the candidate pair RTT and reports nothing before media', () => {
    const noRemote = chromeLikeReport.filter((r) => r.type !== 'remote-inbound-rtp');
    expect(summarizeStats(noRemote).rttMs).toBe(50);
    const empty = summarizeStats([]);
    expect(empty).toMatchObject({ codec: null, rttMs: null, jitterMs: null, packetLossPct: null, mos: null, packetsReceived: 0, jitterBufferMs: null, jitterBufferEmitted: 0 });
  });

  it('flags inbound RTP that stops for 3 s, but not while held', () => {
    const w = new InboundWatchdog(1000);
    expect(w.update(2000, 0)).toBe(false);
    expect(w.update(4000, 0)).toBe(true); // nothing since answer
    const v = new InboundWatchdog(0);
    expect(v.update(1000, 50)).toBe(false);
    expect(v.update(3500, 50)).toBe(false);
    expect(v.update(4000, 50)).toBe(true); // stalled since 1000
    expect(v.update(4100, 51)).toBe(false);
    expect(v.update(9000, 51, true)).toBe(false); // held
    expect(v.update(11_000, 51)).toBe(false);
    expect(v.update(12_000, 51)).toBe(true);
  });

  it('flags one-way audio only after the grace period with zero packets', () => {
    expect(isOneWayAudio(2999, 0)).toBe(false);
    expect(isOneWayAudio(3000, 0)).toBe(true);
    expect(isOneWayAudio(5000, 3)).toBe(false);
  });
});

describe('error messages', () => {
  it('names the SIP failure and the fix', () => {
    expect(sipResponseError(401, 'Unauthorized', 'register')).toMatchObject({ kind: 'auth', statusCode: 401 });
    expect(sipResponseError(401, 'Unauthorized', 'register').message).toMatch(/^401 Unauthorized: .*password/);
    expect(sipResponseError(488, 'Not Acceptable Here', 'call').message).toMatch(/codec/);
    expect(sipResponseError(408, 'Request Timeout', 'register').kind).toBe('timeout');
  });

  it('distinguishes TLS/no-WSS from a dropped socket and a timeout', () => {
    expect(transportError('wss://pbx.example.com:8089/ws', 'WebSocket closed (code: 1006)', false)).toMatchObject({ kind: 'tls' });
    expect(transportError('wss://pbx.example.com:8089/ws', 'code 1006', false).message).toContain('https://pbx.example.com:8089/httpstatus');
    expect(transportError('ws://127.0.0.1:5066', 'WebSocket closed (code: 1006)', false).kind).toBe('no_wss');
    expect(transportError('wss://x/ws', 'WebSocket closed (code: 1006)', true).kind).toBe('ws_closed');
    expect(transportError('wss://x/ws', 'Exceeded time set in configuration.connectionTimeout: 5s', false).kind).toBe('timeout');
  });

  it('explains microphone failures', () => {
    expect(mediaError(Object.assign(new Error('denied'), { name: 'NotAllowedError' })).kind).toBe('mic_permission');
    expect(mediaError(Object.assign(new Error('none'), { name: 'NotFoundError' })).kind).toBe('no_microphone');
  });
});

describe('DTMF', () => {
  it('maps digits to Q.23 tone pairs and validates input', () => {
    expect(dtmfFrequencies('5')).toEqual([770, 1336]);
    expect(dtmfFrequencies('#')).toEqual([941, 1477]);
    expect(dtmfFrequencies('d')).toEqual([941, 1633]);
    expect(() => dtmfFrequencies('x')).toThrow(/DTMF digit "x"/);
    expect(isDtmfDigit('*')).toBe(true);
    expect(isDtmfDigit('55')).toBe(false);
    expect(sanitizeDialString(' 7 000;x=1')).toBe('7000x1');
  });
});
