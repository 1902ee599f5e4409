import { SampleRing } from '../../engine/src/observability/sample-ring.js';

describe('SampleRing', () => {
  it('keeps the latest `capacity` samples, oldest first, across wrap-arounds, and clears', () => {
    const r = new SampleRing(4);
    expect(r.values()).toEqual([]);
    r.push(1);
    r.push(2);
    expect(r.values()).toEqual([1, 2]);
    for (let v = 3; v <= 10; v++) r.push(v);
    expect(r.length).toBe(4);
    expect(r.values()).toEqual([7, 8, 9, 10]);
    r.clear();
    expect(r.values()).toEqual([]);
    r.push(11);
    expect(r.values()).toEqual([11]);
  });
});
