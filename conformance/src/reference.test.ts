import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type ConvTranspose2dOptions,
  convTranspose2d,
  type DType,
  Random,
  resolveConvTranspose2d,
  type Tensor,
  tensor,
  UNIT_ROUNDOFF,
} from '@convt/core';
import { describe, expect, it } from 'vitest';
import type { OutputCase } from './cases.js';
import { conv2d } from './conv2d.js';
import { randomTensor } from './data.js';
import { generateCases } from './generate.js';
import { errorBounds } from './tolerance.js';

// The suite's expectations come from core's reference; these tests pin the reference itself.

interface GoldenTensor {
  shape: number[];
  data: number[];
}
interface GoldenCase {
  name: string;
  dtype: DType;
  options: ConvTranspose2dOptions;
  input: GoldenTensor;
  weight: GoldenTensor;
  bias: GoldenTensor | null;
  output: GoldenTensor;
}

const coreDir = dirname(createRequire(import.meta.url).resolve('@convt/core/package.json'));
const golden = JSON.parse(readFileSync(join(coreDir, 'fixtures', 'golden.json'), 'utf8')) as {
  cases: GoldenCase[];
};

describe('the reference against PyTorch (golden fixtures)', () => {
  it('has fixtures of both dtypes', () => {
    expect(golden.cases.length).toBeGreaterThan(40);
    expect(new Set(golden.cases.map((c) => c.dtype))).toEqual(new Set(['float32', 'float64']));
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const t = (g: GoldenTensor) => tensor(g.data, g.shape, c.dtype);
    const [input, weight, bias] = [t(c.input), t(c.weight), c.bias && t(c.bias)];
    const actual = convTranspose2d(input, weight, bias, c.options);
    expect(actual.shape).toEqual(c.output.shape);
    expect(actual.data).toBeInstanceOf(c.dtype === 'float64' ? Float64Array : Float32Array);
    // PyTorch sums in float64 in another order: allow float64 summation error plus one final rounding.
    const expected = Float64Array.from(c.output.data);
    const bounds = errorBounds(input, weight, bias, c.options, expected, 2 ** -53, c.dtype);
    const over = [...actual.data].filter((v, i) => !(Math.abs(v - expected[i]!) <= bounds[i]!));
    expect(over).toEqual([]);
  });
});

describe('the reference is the adjoint of an independent conv2d', () => {
  const cases = generateCases({ quick: true }).filter(
    (c): c is OutputCase => c.expects === 'output' && c.route === 'backend' && c.dtype === 'float32',
  );

  it('over the quick sweep and every corner', () => {
    expect(cases.length).toBeGreaterThan(50);
    const broken = cases.filter((c) => {
      const random = new Random(7);
      const x = randomTensor(c.inputShape, 'float64', random);
      const weight = randomTensor(c.weightShape, 'float64', random);
      const y = convTranspose2d(x, weight, null, c.options);
      const z = randomTensor(y.shape, 'float64', random);
      const plan = resolveConvTranspose2d(c.inputShape, c.weightShape, null, c.options);
      const batched = (s: readonly number[]) =>
        (s.length === 4 ? s : [1, ...s]) as [number, number, number, number];
      const adjoint = conv2d({
        y: z.data as Float64Array,
        yShape: batched(z.shape),
        weight: weight.data as Float64Array,
        weightShape: batched(weight.shape),
        outSize: [plan.inHeight, plan.inWidth],
        stride: plan.stride,
        padding: plan.padding,
        dilation: plan.dilation,
        groups: plan.groups,
      });
      const left = dot(adjoint, x.data);
      const right = dot(z.data, y.data);
      const scale = dotAbs(adjoint, x.data) + dotAbs(z.data, y.data);
      return !(Math.abs(left - right) <= 1e-12 * scale);
    });
    expect(broken.map((c) => c.name)).toEqual([]);
  });

  it('fails for a geometry off by one (the identity has teeth)', () => {
    const random = new Random(3);
    const options = { stride: [2, 1], padding: [1, 2], dilation: [2, 3] } as const;
    const x = randomTensor([1, 2, 4, 5], 'float64', random);
    const weight = randomTensor([2, 3, 3, 2], 'float64', random);
    const y = convTranspose2d(x, weight, null, options);
    const z = randomTensor(y.shape, 'float64', random);
    const adjoint = conv2d({
      y: z.data as Float64Array,
      yShape: y.shape as [number, number, number, number],
      weight: weight.data as Float64Array,
      weightShape: [2, 3, 3, 2],
      outSize: [4, 5],
      stride: [2, 1],
      padding: [1, 1], // one column off
      dilation: [2, 3],
      groups: 1,
    });
    expect(Math.abs(dot(adjoint, x.data) - dot(z.data, y.data))).toBeGreaterThan(1e-3);
  });
});

describe('error bounds', () => {
  it('are zero where no term reaches, and grow with the number of terms', () => {
    const one = (shape: number[]): Tensor => tensor(new Array(shape.reduce((a, b) => a * b)).fill(1), shape);
    // Stride 3 with a 1x1 kernel leaves gaps: those outputs must be exactly 0.
    const input = one([1, 1, 2, 2]);
    const weight = one([1, 1, 1, 1]);
    const options = { stride: 3 };
    const expected = convTranspose2d(input, weight, null, options).data as Float32Array;
    const bounds = errorBounds(
      input,
      weight,
      null,
      options,
      Float64Array.from(expected),
      2 ** -24,
      'float32',
    );
    expect([...bounds].filter((_, i) => expected[i] === 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const wide = one([1, 16, 1, 1]);
    const wideBounds = errorBounds(
      wide,
      one([16, 1, 1, 1]),
      null,
      {},
      Float64Array.of(16),
      2 ** -24,
      'float32',
    );
    // 16 terms of magnitude 1: gamma(17) * 16 + u * 16.
    const gamma = (17 * 2 ** -24) / (1 - 17 * 2 ** -24);
    const exact = gamma * 16 + UNIT_ROUNDOFF.float32 * (16 + gamma * 16);
    expect(Math.abs(wideBounds[0]! - exact) / exact).toBeLessThan(1e-9);
  });
});

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function dotAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! * b[i]!);
  return s;
}
