import { convTranspose2d, UNIT_ROUNDOFF } from '@convt/core';
import { describe, expect, it } from 'vitest';
import { checkAgainstReference } from './check.js';
import { layerTensors } from './data.js';

describe('checkAgainstReference', () => {
  const options = { stride: 2, padding: 1 };
  const { input, weight, bias } = layerTensors(
    { input: [1, 6, 5, 4], outChannels: 4, kernel: [4, 4], groups: 2 },
    'float32',
    3,
  );

  it('passes the reference itself, rounded to the input dtype', () => {
    const actual = convTranspose2d(input, weight, bias, { ...options, groups: 2 });
    expect(
      checkAgainstReference(actual, input, weight, bias, { ...options, groups: 2 }, UNIT_ROUNDOFF.float32),
    ).toMatchObject({ passed: true });
  });

  it('fails one element off by one product, and a float64 result for float32 input', () => {
    const good = convTranspose2d(input, weight, bias, { ...options, groups: 2 });
    const off = { shape: good.shape, data: Float32Array.from(good.data) };
    off.data[7]! += Math.abs(input.data[0]! * weight.data[0]!) + 1e-3;
    const u = UNIT_ROUNDOFF.float32;
    expect(checkAgainstReference(off, input, weight, bias, { ...options, groups: 2 }, u).passed).toBe(false);
    const wide = { shape: good.shape, data: Float64Array.from(good.data) };
    expect(checkAgainstReference(wide, input, weight, bias, { ...options, groups: 2 }, u).passed).toBe(false);
  });
});
