import { describe, expect, it } from 'vitest';
import { WeightCache } from './weight-cache.js';

describe('WeightCache', () => {
  const packer = (value: number) => (packed: Float64Array) => {
    packed.fill(value);
    return true;
  };

  it('packs once per (array, key) and again for another key', () => {
    const cache = new WeightCache(1024, false);
    const data = new Float32Array(8).fill(1);
    let packs = 0;
    const pack = (packed: Float64Array) => {
      packs++;
      return packer(2)(packed);
    };
    const a = cache.get(data, 'a', 4, pack);
    expect(cache.get(data, 'a', 4, pack)).toBe(a);
    cache.get(data, 'b', 4, pack);
    expect(packs).toBe(2);
    expect(cache.bytes).toBe(64);
  });

  it('evicts the least recently used entries beyond its budget', () => {
    const cache = new WeightCache(2 * 64, false);
    const [d1, d2, d3] = [1, 2, 3].map((v) => new Float32Array(8).fill(v));
    const e1 = cache.get(d1!, 'k', 8, packer(1));
    cache.get(d2!, 'k', 8, packer(2));
    expect(cache.get(d1!, 'k', 8, packer(1))).toBe(e1); // d1 is now the most recent
    cache.get(d3!, 'k', 8, packer(3)); // evicts d2
    expect(cache.bytes).toBe(128);
    expect(cache.get(d1!, 'k', 8, packer(1))).toBe(e1);
    let repacked = false;
    cache.get(d2!, 'k', 8, (p) => {
      repacked = true;
      return packer(2)(p);
    });
    expect(repacked).toBe(true);
  });

  it('keeps nothing larger than its budget, and shares memory when asked', () => {
    const cache = new WeightCache(16, true);
    const entry = cache.get(new Float64Array(4), 'k', 4, packer(1));
    expect(entry.packed.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(cache.bytes).toBe(0);
  });

  it('repacks after a sampled value changes, or after forget', () => {
    const cache = new WeightCache(1024, false);
    const data = new Float32Array(1000).fill(1);
    const first = cache.get(data, 'k', 4, packer(1));
    data[999] = 2; // the last value is always sampled
    const second = cache.get(data, 'k', 4, packer(2));
    expect(second).not.toBe(first);
    cache.forget(data);
    expect(cache.bytes).toBe(0);
    expect(cache.get(data, 'k', 4, packer(3))).not.toBe(second);
    expect(cache.bytes).toBe(32);
  });
});
