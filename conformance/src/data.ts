import { allocate, type DType, type Random, sizeOf, type Tensor } from '@convt/core';
import type { TensorSpec } from './cases.js';

/** FNV-1a of a case name: the same case always gets the same data, whatever else is filtered out. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A tensor of U(-1, 1) values, rounded to `dtype`. */
export function randomTensor(shape: readonly number[], dtype: DType, random: Random): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  random.fill(data, -1, 1);
  return { shape: [...shape], data };
}

/** The same values in float64 (exact for float32), so the reference computes without final rounding. */
export function toFloat64(t: Tensor): Tensor {
  return { shape: t.shape, data: Float64Array.from(t.data) };
}

/** Builds a (possibly malformed on purpose) argument from its description. */
export function tensorFromSpec(spec: TensorSpec | undefined, random: Random): unknown {
  if (spec === undefined || spec === null) return spec;
  const length = spec.length ?? Math.max(0, sizeOf(spec.shape));
  const data = allocate(spec.dtype ?? 'float32', Number.isInteger(length) ? length : 0);
  random.fill(data, -1, 1);
  return { shape: [...spec.shape], data: spec.plain ? Array.from(data) : data };
}
