import { allocate, type DType, Random, sizeOf, type Tensor } from '@convt/core';
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

/** The shapes of one layer, for `layerTensors`. */
export interface LayerSpec {
  /** `(N, C, H, W)` or `(C, H, W)`. */
  readonly input: readonly number[];
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly groups?: number | undefined;
  /** Default true. */
  readonly bias?: boolean | undefined;
}

/**
 * Input, weight and bias of a layer, U(-1, 1) from `seed` (drawn in that order), for a backend's own
 * tests beyond the suite.
 */
export function layerTensors(layer: LayerSpec, dtype: DType, seed: number) {
  const random = new Random(seed);
  const inChannels = layer.input[layer.input.length - 3]!;
  const groups = layer.groups ?? 1;
  const input = randomTensor(layer.input, dtype, random);
  const weight = randomTensor([inChannels, layer.outChannels / groups, ...layer.kernel], dtype, random);
  const bias = layer.bias === false ? null : randomTensor([layer.outChannels], dtype, random);
  return { input, weight, bias };
}
