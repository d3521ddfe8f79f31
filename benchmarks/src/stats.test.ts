import { describe, expect, it } from 'vitest';
import { gflops, quantile, summarize } from './stats.js';

describe('stats', () => {
  it('interpolates quantiles between ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([7], 0.75)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });

  it('summarizes unsorted samples', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toEqual({ n: 5, median: 3, q1: 2, q3: 4, min: 1, max: 5, mean: 3 });
  });

  it('converts flops and milliseconds to GFLOP/s', () => {
    expect(gflops(2e9, 1000)).toBe(2);
    expect(gflops(1e6, 1)).toBe(1);
  });
});
