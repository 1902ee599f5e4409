/**
 * An emit reaches the listeners subscribed when it began: one added by a
 * listener waits for the next emit, one removed by a listener still gets this
 * one. (Legs emit every 20 ms frame; a call's handlers subscribe inside handlers.)
 */
import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../engine/src/util/typed-emitter.js';

describe('TypedEmitter', () => {
  it('walks the listeners as they were when the emit began', () => {
    const e = new TypedEmitter<{ x: number }>();
    const got: string[] = [];
    e.once('x', (n) => {
      got.push(`once ${n}`);
      e.once('x', (m) => got.push(`added ${m}`));
    });
    expect(e.listenerCount('x')).toBe(1);
    e.emit('x', 1);
    expect(got).toEqual(['once 1']);
    e.emit('x', 2);
    expect(got).toEqual(['once 1', 'added 2']);
    expect(e.listenerCount('x')).toBe(0);

    const b = (n: number) => got.push(`b ${n}`);
    e.on('x', () => e.off('x', b));
    e.on('x', b);
    e.on('x', b); // the same listener twice is one subscription
    e.emit('x', 3);
    e.emit('x', 4);
    expect(got.slice(2)).toEqual(['b 3']);
    e.removeAllListeners();
    e.emit('x', 5);
    expect(e.listenerCount('x')).toBe(0);
  });
});
