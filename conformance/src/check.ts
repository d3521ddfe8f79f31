import { type ConvTranspose2dOptions, convTranspose2d, type DType, dtypeOf, type Tensor } from '@convt/core';
import { errorBounds } from './tolerance.js';

export interface Verdict {
  readonly passed: boolean;
  /** Largest `|actual - expected|` over the output. */
  readonly maxError?: number;
  /** The bound at the element that came closest to (or furthest past) its bound. */
  readonly bound?: number;
  readonly message?: string;
}

const ARRAY_OF: Record<DType, string> = { float32: 'Float32Array', float64: 'Float64Array' };

/**
 * Checks a backend's output against the float64 expectation: a fresh tensor of the input's dtype,
 * of the expected shape, every element within its own bound.
 */
export function checkOutput(
  result: unknown,
  expectedShape: readonly number[],
  expected: Float64Array,
  bounds: Float64Array,
  dtype: DType,
  args: readonly Tensor[],
): Verdict {
  if (result == null || typeof result !== 'object') return fail(`returned ${String(result)}, not a tensor`);
  const { shape, data } = result as Partial<Tensor>;
  if (!Array.isArray(shape) || !sameShape(shape, expectedShape)) {
    return fail(`output shape ${JSON.stringify(shape)}, expected [${expectedShape}]`);
  }
  // By constructor name: a backend may build its arrays in another realm (a worker, a vm context).
  const arrayName = ArrayBuffer.isView(data) ? data.constructor.name : typeof data;
  if (arrayName !== ARRAY_OF[dtype]) return fail(`output data is ${arrayName}, expected ${ARRAY_OF[dtype]}`);
  const out = data as Float32Array | Float64Array;
  if (out.length !== expected.length)
    return fail(`output data length ${out.length}, expected ${expected.length}`);
  if (args.some((t) => t.data.buffer === out.buffer))
    return fail('output shares its buffer with an argument');

  let maxError = 0;
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(out[i]! - expected[i]!);
    // NaN compares false everywhere: count it as infinitely wrong.
    const e = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error;
    if (e > maxError) maxError = e;
    const ratio = e === 0 ? 0 : bounds[i]! === 0 ? Number.POSITIVE_INFINITY : e / bounds[i]!;
    if (ratio > worstRatio) [worst, worstRatio] = [i, ratio];
  }
  const bound = bounds[worst];
  if (worstRatio > 1) {
    return {
      passed: false,
      maxError,
      bound,
      message:
        `output[${indexOf(worst, expectedShape)}] = ${out[worst]}, expected ${expected[worst]} ` +
        `(|error| ${fmt(Math.abs(out[worst]! - expected[worst]!))} > bound ${fmt(bound!)}); ` +
        `largest |error| ${fmt(maxError)}; ${countOver(out, expected, bounds)} of ${expected.length} elements out of bounds`,
    };
  }
  return { passed: true, maxError, bound };
}

/** Copies of the arguments' data, to prove afterwards that the backend left them alone. */
export function snapshot(args: readonly Tensor[]): Float64Array[] {
  return args.map((t) => Float64Array.from(t.data));
}

/** Names the first argument whose data or shape changed, or returns null. */
export function mutation(
  args: readonly Tensor[],
  names: readonly string[],
  copies: readonly Float64Array[],
  shapes: readonly (readonly number[])[],
): string | null {
  for (let a = 0; a < args.length; a++) {
    const { data, shape } = args[a]!;
    const copy = copies[a]!;
    if (!sameShape(shape, shapes[a]!)) return `${names[a]}.shape was changed to [${shape}]`;
    if (data.length !== copy.length) return `${names[a]}.data was resized`;
    for (let i = 0; i < copy.length; i++) {
      if (!Object.is(data[i], copy[i]))
        return `${names[a]}.data[${i}] was changed from ${copy[i]} to ${data[i]}`;
    }
  }
  return null;
}

export function fmt(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

function fail(message: string): Verdict {
  return { passed: false, message };
}

function sameShape(a: readonly unknown[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function indexOf(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return index.join(',');
}

function countOver(out: ArrayLike<number>, expected: Float64Array, bounds: Float64Array): number {
  let count = 0;
  for (let i = 0; i < expected.length; i++) if (!(Math.abs(out[i]! - expected[i]!) <= bounds[i]!)) count++;
  return count;
}

/**
 * Checks `actual` against the float64 reference for `input`, `weight`, `bias`, `options`, within the
 * suite's bound for a backend that accumulates with unit roundoff `u` and returns the input's dtype:
 * what `runConformance` does for one of its cases, for a backend's own tests of its paths.
 */
export function checkAgainstReference(
  actual: unknown,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvTranspose2dOptions,
  u: number,
): Verdict {
  const float64 = (t: Tensor): Tensor => ({ shape: t.shape, data: Float64Array.from(t.data) });
  const [x, w, b] = [float64(input), float64(weight), bias && float64(bias)];
  const expected = convTranspose2d(x, w, b, options);
  const data = expected.data as Float64Array;
  const dtype = dtypeOf(input);
  return checkOutput(actual, expected.shape, data, errorBounds(x, w, b, options, data, u, dtype), dtype, [
    input,
    weight,
    ...(bias ? [bias] : []),
  ]);
}
