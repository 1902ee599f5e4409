import { estimateMos, mosFromR, rFactor } from '../../renderer/src/softphone/logic/emodel';

describe('E-model (G.107 simplified)', () => {
  it('maps R to MOS per Annex B at the reference points', () => {
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    // R = 93.2 (the G.711 default) gives MOS ≈ 4.41
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
    // R = 50 → 1 + 1.75 + 50*(-10)*50*7e-6 = 2.575
    expect(mosFromR(50)).toBeCloseTo(2.575, 3);
    expect(mosFromR(70)).toBeCloseTo(1 + 2.45 + 70 * 10 * 30 * 7e-6, 6);
  });

  it('gives near-toll quality on a clean LAN for G.711', () => {
    const mos = estimateMos({ rttMs: 2, jitterMs: 1, packetLossPct: 0, codec: 'PCMU' });
    expect(mos).toBeGreaterThan(4.3);
    expect(mos).toBeLessThanOrEqual(4.5);
  });

  it('penalizes delay beyond 177.3 ms one-way more steeply', () => {
    const below = rFactor({ rttMs: 200, jitterMs: 0, packetLossPct: 0, codec: 'pcmu' });
    const above = rFactor({ rttMs: 500, jitterMs: 0, packetLossPct: 0, codec: 'pcmu' });
    const slopeBelow = (rFactor({ rttMs: 0, jitterMs: 0, packetLossPct: 0, codec: 'pcmu' }) - below) / 100;
    const slopeAbove = (below - above) / 150;
    expect(slopeAbove).toBeGreaterThan(slopeBelow * 3);
  });

  it('drops with packet loss and falls to poor at heavy loss', () => {
    const clean = estimateMos({ rttMs: 40, jitterMs: 5, packetLossPct: 0, codec: 'opus' });
    const lossy = estimateMos({ rttMs: 40, jitterMs: 5, packetLossPct: 5, codec: 'opus' });
    const awful = estimateMos({ rttMs: 40, jitterMs: 5, packetLossPct: 40, codec: 'opus' });
    expect(lossy).toBeLessThan(clean);
    expect(awful).toBeLessThan(lossy);
    expect(awful).toBeLessThan(2.6);
  });

  it('counts the equipment impairment of low-bitrate codecs and tolerates junk input', () => {
    const g711 = rFactor({ rttMs: 20, jitterMs: 2, packetLossPct: 0, codec: 'audio/PCMA' });
    const g729 = rFactor({ rttMs: 20, jitterMs: 2, packetLossPct: 0, codec: 'G729' });
    expect(g711 - g729).toBeCloseTo(11, 5);
    expect(estimateMos({ rttMs: NaN, jitterMs: -1, packetLossPct: 500 })).toBeGreaterThanOrEqual(1);
  });
});
