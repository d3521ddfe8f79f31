import { describe, expect, it } from 'vitest';
import { WeightCache } from './weight-cache.js';

describe('WeightCache', () => {
  it('builds once per (array, key) and again for another key', () => {
    const cache = new WeightCache<string>(1024);
    const data = new Float32Array(8).fill(1);
    let builds = 0;
    const build = () => `packed ${++builds}`;
    expect(cache.get(data, 'a', 32, build)).toEqual({ value: 'packed 1', kept: true });
    expect(cache.get(data, 'a', 32, build).value).toBe('packed 1');
    expect(cache.get(data, 'b', 32, build).value).toBe('packed 2');
    expect(cache.bytes).toBe(64);
  });

  it('evicts the least recently used entries beyond its budget, releasing them', () => {
    const released: string[] = [];
    const cache = new WeightCache<string>(128, (v) => released.push(v));
    const [d1, d2, d3] = [1, 2, 3].map((v) => new Float32Array(8).fill(v)) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    cache.get(d1, 'k', 64, () => 'one');
    cache.get(d2, 'k', 64, () => 'two');
    expect(cache.get(d1, 'k', 64, () => 'again').value).toBe('one'); // d1 is now the most recent
    cache.get(d3, 'k', 64, () => 'three'); // evicts d2
    expect(released).toEqual(['two']);
    expect(cache.bytes).toBe(128);
    expect(cache.get(d2, 'k', 64, () => 'two rebuilt').value).toBe('two rebuilt');
  });

  it('keeps nothing larger than its budget and says so', () => {
    const cache = new WeightCache<string>(16);
    expect(cache.get(new Float64Array(4), 'k', 32, () => 'big')).toEqual({ value: 'big', kept: false });
    expect(cache.bytes).toBe(0);
  });

  it('rebuilds after a sampled value changes, or after forget', () => {
    const released: string[] = [];
    const cache = new WeightCache<string>(1024, (v) => released.push(v));
    const data = new Float32Array(1000).fill(1);
    cache.get(data, 'k', 32, () => 'first');
    data[999] = 2; // the last value is always sampled
    expect(cache.get(data, 'k', 32, () => 'second').value).toBe('second');
    expect(released).toEqual(['first']);
    cache.forget(data);
    expect(released).toEqual(['first', 'second']);
    expect(cache.bytes).toBe(0);
    data.fill(Number.NaN);
    cache.get(data, 'k', 32, () => 'nan');
    expect(cache.get(data, 'k', 32, () => 'nan again').value).toBe('nan'); // NaN samples compare equal
    cache.clear();
    expect(cache.bytes).toBe(0);
  });
});
