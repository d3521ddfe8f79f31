import { fail } from './errors.js';
import type { ConvTranspose2dOptions } from './options.js';
import { convTranspose2d } from './reference.js';
import { DTYPES, type DType, type Tensor } from './tensor.js';

/** What a backend can do, as data: used to explain backend choice and to derive test tolerances. */
export interface BackendCapabilities {
  /** Dtypes the backend computes; any other dtype is rejected with `DTYPE_UNSUPPORTED`. */
  readonly dtypes: readonly DType[];
  /**
   * Unit roundoff of the arithmetic that accumulates each output, per dtype
   * (2^-24 for float32 accumulation, 2^-53 for float64). Conformance bounds are derived from it.
   */
  readonly precision: Readonly<Partial<Record<DType, number>>>;
  /** Worker threads the backend computes with (1 when single-threaded). */
  readonly threads: number;
  /** Further backend-specific facts (limits, kernel class, SIMD, ...). */
  readonly [key: string]: unknown;
}

export interface Backend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  convTranspose2d(
    input: Tensor,
    weight: Tensor,
    bias?: Tensor | null,
    options?: ConvTranspose2dOptions,
  ): Promise<Tensor>;
  dispose?(): void | Promise<void>;
}

/** The resource options of backends that compute on threads and keep packed weights (cpu, wasm). */
export interface BackendResourceOptions {
  readonly threads?: number;
  readonly minParallelFlops?: number;
  readonly weightCacheBytes?: number;
}

/**
 * Throws a `ConvTransposeError` (`INVALID_OPTION_TYPE`) for the first of these options that is set
 * and invalid: `threads` an integer >= 1, `minParallelFlops` and `weightCacheBytes` numbers >= 0.
 * Backends call it before they start anything (workers, memory).
 */
export function checkBackendOptions(options: BackendResourceOptions): void {
  const { threads, minParallelFlops, weightCacheBytes } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    fail('INVALID_OPTION_TYPE', 'threads', threads, 'must be an integer >= 1');
  }
  for (const [name, value] of [
    ['minParallelFlops', minParallelFlops],
    ['weightCacheBytes', weightCacheBytes],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      fail('INVALID_OPTION_TYPE', name, value, 'must be a number >= 0');
    }
  }
}

/** Unit roundoff of float32 and float64 arithmetic. */
export const UNIT_ROUNDOFF: Readonly<Record<DType, number>> = { float32: 2 ** -24, float64: 2 ** -53 };

/** The reference implementation as a `Backend`: the default of `ConvTranspose2d`. */
export const referenceBackend: Backend = {
  name: 'reference',
  capabilities: { dtypes: DTYPES, precision: { float32: 2 ** -53, float64: 2 ** -53 }, threads: 1 },
  async convTranspose2d(input, weight, bias, options) {
    return convTranspose2d(input, weight, bias, options);
  },
};

export async function createBackend(): Promise<Backend> {
  return referenceBackend;
}
