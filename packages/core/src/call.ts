import { fail } from './errors.js';
import type { ConvTranspose2dOptions } from './options.js';
import { type ConvTranspose2dPlan, resolveConvTranspose2d } from './plan.js';
import { checkTensor, DTYPES, type DType, dtypeOf, type Tensor } from './tensor.js';

export interface PlannedCall {
  readonly plan: ConvTranspose2dPlan;
  readonly dtype: DType;
}

/**
 * The validation every `convTranspose2d` entry point shares: the tensors themselves, their dtypes
 * (all alike, and among `dtypes`, the dtypes the caller can compute), then the geometry plan.
 */
export function planCall(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTranspose2dOptions | undefined,
  dtypes: readonly DType[] = DTYPES,
  backendName = 'reference',
): PlannedCall {
  checkTensor(input, 'input');
  checkTensor(weight, 'weight');
  if (bias != null) checkTensor(bias, 'bias');
  const dtype = dtypeOf(input);
  if (dtypeOf(weight) !== dtype) {
    fail('DTYPE_MISMATCH', 'weight.dtype', dtypeOf(weight), `must equal input.dtype '${dtype}'`);
  }
  if (bias != null && dtypeOf(bias) !== dtype) {
    fail('DTYPE_MISMATCH', 'bias.dtype', dtypeOf(bias), `must equal input.dtype '${dtype}'`);
  }
  if (!dtypes.includes(dtype)) {
    fail(
      'DTYPE_UNSUPPORTED',
      'input.dtype',
      dtype,
      `is not supported by the ${backendName} backend, which computes ${dtypes.join(', ')} only`,
    );
  }
  const plan = resolveConvTranspose2d(input.shape, weight.shape, bias?.shape ?? null, options);
  return { plan, dtype };
}
