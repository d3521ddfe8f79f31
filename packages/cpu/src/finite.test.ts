import { describe, expect, it } from 'vitest';
import { allFinite } from './finite.js';

describe('allFinite', () => {
  it('finds a non-finite value at every position of a range, and none outside it', () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      for (let at = 0; at < 11; at++) {
        const data = new Float64Array(11).fill(1.5);
        data[at] = bad;
        expect(allFinite(data, 0, data.length)).toBe(false);
        expect(allFinite(Float32Array.from(data), 0, data.length)).toBe(false);
        expect(allFinite(data, 2, 9)).toBe(at < 2 || at >= 9);
      }
    }
    expect(allFinite(new Float32Array([1, -0, 3e38]), 0, 3)).toBe(true);
    expect(allFinite(new Float64Array(0), 0, 0)).toBe(true);
  });
});
