import { describe, expect, it } from 'vitest';
import { checkOutput, expected } from './check.js';
import { naiveConvTranspose2d } from './peers/naive.js';
import { makeCase, type Workload } from './workloads.js';

const w: Workload = {
  name: 'small',
  input: [1, 8, 5, 6],
  outChannels: 4,
  kernelSize: 3,
  stride: 2,
  padding: 1,
  outputPadding: 1,
  groups: 2,
};

describe('checkOutput', () => {
  const c = makeCase(w);
  const exp = expected(c);

  it('passes the naive float32 loop and fails a one-ulp-scale perturbation far above the bound', () => {
    const y = naiveConvTranspose2d(c);
    expect(checkOutput(y, exp, 2 ** -24).ok).toBe(true);
    y[7]! += 1e-3;
    const bad = checkOutput(y, exp, 2 ** -24);
    expect(bad.ok).toBe(false);
    expect(bad.reason).toContain('output[7]');
  });

  it('rejects NaN, a wrong length and a float64 result', () => {
    const y = naiveConvTranspose2d(c);
    y[0] = Number.NaN;
    expect(checkOutput(y, exp, 2 ** -24).ok).toBe(false);
    expect(checkOutput(new Float32Array(3), exp, 2 ** -24).ok).toBe(false);
    expect(checkOutput(Float64Array.from(exp.values), exp, 2 ** -24).reason).toBe('not float32');
  });
});
