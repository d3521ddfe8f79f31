import {
  type ConvTranspose2dOptions,
  convTranspose2d,
  type DType,
  type Tensor,
  UNIT_ROUNDOFF,
} from '@convt/core';

/**
 * Per-element error bounds for a backend that accumulates with unit roundoff `u` and returns `dtype`.
 *
 * Each output is a sum of `n` products (plus the bias). Whatever the order of summation, the
 * computed value differs from the exact one by at most `gamma(n + 1) * sum |x * w|` (+ `|b|`), with
 * `gamma(m) = m u / (1 - m u)` (Higham, Accuracy and Stability of Numerical Algorithms, 3.1);
 * storing it in `dtype` adds at most `u(dtype)` times the computed value. A missing, doubled or misplaced term moves
 * the value by a whole `|x * w|`, far above the bound; an honest float32 sum of any order stays below.
 */
export function errorBounds(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvTranspose2dOptions,
  expected: Float64Array,
  u: number,
  dtype: DType,
): Float64Array {
  const abs = (t: Tensor): Tensor => ({ shape: t.shape, data: t.data.map(Math.abs) as Float64Array });
  const ones = (t: Tensor): Tensor => ({ shape: t.shape, data: new Float64Array(t.data.length).fill(1) });
  const magnitude = convTranspose2d(abs(input), abs(weight), bias && abs(bias), options).data;
  const terms = convTranspose2d(ones(input), ones(weight), bias && ones(bias), options).data;
  const stored = UNIT_ROUNDOFF[dtype];
  const bounds = new Float64Array(expected.length);
  for (let i = 0; i < bounds.length; i++) {
    const m = (terms[i]! + 1) * u;
    const gamma = m / (1 - m);
    // 1 + 2^-40 absorbs the float64 rounding of the magnitude itself.
    const sumError = gamma * magnitude[i]!;
    bounds[i] = (sumError + stored * (Math.abs(expected[i]!) + sumError)) * (1 + 2 ** -40);
  }
  return bounds;
}
