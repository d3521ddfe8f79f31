import { fail } from './errors.js';

export type DType = 'float32' | 'float64';

export interface Tensor {
  /** Row-major dimensions: NCHW or CHW for activations, (Cin, Cout/groups, kH, kW) for weights. */
  readonly shape: readonly number[];
  /** `data.length === product(shape)`. */
  readonly data: Float32Array | Float64Array;
}

export const DTYPES: readonly DType[] = ['float32', 'float64'];

/** Number of elements a shape holds. */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function dtypeOf(t: Tensor): DType {
  return t.data instanceof Float64Array ? 'float64' : 'float32';
}

export function allocate(dtype: DType, length: number): Float32Array | Float64Array {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/**
 * Builds a tensor, copying `data` into a fresh typed array of `dtype`
 * (default: float64 for a Float64Array, float32 otherwise).
 */
export function tensor(data: ArrayLike<number>, shape: readonly number[], dtype?: DType): Tensor {
  const resolved = dtype ?? (data instanceof Float64Array ? 'float64' : 'float32');
  if (!DTYPES.includes(resolved)) fail('INVALID_DTYPE', 'dtype', resolved, "must be 'float32' or 'float64'");
  checkShape(shape, 'shape');
  if (data == null || typeof data.length !== 'number') {
    fail('INVALID_TENSOR', 'data', data, 'must be an array-like of numbers');
  }
  const size = sizeOf(shape);
  if (data.length !== size) {
    fail(
      'DATA_LENGTH_MISMATCH',
      'data.length',
      data.length,
      `must equal the product of shape [${shape}] = ${size}`,
    );
  }
  const copy = allocate(resolved, size);
  copy.set(data as ArrayLike<number>);
  return { shape: [...shape], data: copy };
}

/** Checks that an argument is a well-formed tensor; `name` is used in the error. */
export function checkTensor(t: unknown, name: string): asserts t is Tensor {
  if (t == null || typeof t !== 'object') fail('INVALID_TENSOR', name, t, 'must be a Tensor {shape, data}');
  const { shape, data } = t as Partial<Tensor>;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    fail('INVALID_TENSOR', `${name}.data`, data, 'must be a Float32Array or a Float64Array');
  }
  checkShape(shape, `${name}.shape`);
  const size = sizeOf(shape);
  if (data.length !== size) {
    fail(
      'DATA_LENGTH_MISMATCH',
      `${name}.data.length`,
      data.length,
      `must equal the product of ${name}.shape [${shape}] = ${size}`,
    );
  }
}

function checkShape(shape: unknown, name: string): asserts shape is readonly number[] {
  if (!Array.isArray(shape)) fail('INVALID_SHAPE', name, shape, 'must be an array of integers');
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      fail('INVALID_SHAPE', `${name}[${i}]`, d, 'must be a non-negative integer');
    }
  });
}
