import { convTranspose2d, type Tensor } from '@convt/core';
import { FLOAT32_ROUNDOFF } from './peers/types.js';
import type { Case } from './workloads.js';

/** The float64 reference output and what the error bound is scaled by. */
export interface Expected {
  readonly values: Float64Array;
  /** The reference computed on |input|, |weight|, |bias|: the magnitude each output sums over. */
  readonly magnitude: Float64Array;
  /** Products summed per output, bias included. */
  readonly reduction: number;
}

export interface CheckResult {
  readonly ok: boolean;
  /** Largest |actual - expected|. */
  readonly maxAbsError: number;
  /** Largest error as a fraction of its bound: <= 1 passes. */
  readonly worstRatio: number;
  readonly reason?: string;
}

const abs = (t: Tensor): Tensor => ({ shape: t.shape, data: Float64Array.from(t.data, Math.abs) });
const asFloat64 = (t: Tensor): Tensor => ({ shape: t.shape, data: Float64Array.from(t.data) });

export function expected(c: Case): Expected {
  const values = convTranspose2d(asFloat64(c.input), asFloat64(c.weight), asFloat64(c.bias), c.options).data;
  const magnitude = convTranspose2d(abs(c.input), abs(c.weight), abs(c.bias), c.options).data;
  const p = c.plan;
  return {
    values: values as Float64Array,
    magnitude: magnitude as Float64Array,
    reduction: p.inChannelsPerGroup * p.kernelHeight * p.kernelWidth + 1,
  };
}

/**
 * Checks float32 output against the reference with the classic bound for a sum of `n` rounded products
 * in any order: |error| <= gamma(n + 1) * sum |x * w|, gamma(k) = k u / (1 - k u), u the unit roundoff
 * the runner declares. The bound scales with the reduction, so it neither hides errors in small cases
 * nor fails honest large ones. Float32 input must give float32 output.
 */
export function checkOutput(
  actual: Float32Array | Float64Array,
  exp: Expected,
  unitRoundoff: number,
): CheckResult {
  if (!(actual instanceof Float32Array)) {
    return {
      ok: false,
      maxAbsError: Number.NaN,
      worstRatio: Number.POSITIVE_INFINITY,
      reason: 'not float32',
    };
  }
  if (actual.length !== exp.values.length) {
    return {
      ok: false,
      maxAbsError: Number.NaN,
      worstRatio: Number.POSITIVE_INFINITY,
      reason: `length ${actual.length}, expected ${exp.values.length}`,
    };
  }
  const k = exp.reduction + 1;
  const gamma = (k * unitRoundoff) / (1 - k * unitRoundoff);
  let maxAbsError = 0;
  let worstRatio = 0;
  let worstIndex = -1;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i]! - exp.values[i]!);
    // The final rounding to float32 adds up to 2^-24 |expected| whatever the accumulation precision;
    // Number.MIN_VALUE keeps exact zeros passing.
    const bound = gamma * exp.magnitude[i]! + FLOAT32_ROUNDOFF * Math.abs(exp.values[i]!) + Number.MIN_VALUE;
    const ratio = error / bound;
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
      worstIndex = i;
    }
    if (error > maxAbsError) maxAbsError = error;
  }
  const ok = worstRatio <= 1;
  return {
    ok,
    maxAbsError,
    worstRatio,
    ...(ok
      ? {}
      : {
          reason: `output[${worstIndex}]=${actual[worstIndex]} expected ${exp.values[worstIndex]} (error ${worstRatio.toPrecision(3)}x bound)`,
        }),
  };
}
