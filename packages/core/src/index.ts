export { type Backend, type BackendCapabilities, UNIT_ROUNDOFF, createBackend, referenceBackend } from './backend.js';
export { type PlannedCall, planCall } from './call.js';
export { ConvTransposeError, type ConvTransposeErrorCode, type ConvTransposeErrorDetails } from './errors.js';
export { ConvTranspose2d, type ConvTranspose2dModuleOptions, initScale } from './module.js';
export { type ConvTranspose2dOptions, type NormalizedOptions, type Pair, normalizeOptions } from './options.js';
export {
  type AxisPhase,
  type AxisPlan,
  type ConvTranspose2dPlan,
  type PhaseTap,
  resolveConvTranspose2d,
} from './plan.js';
export { Random } from './random.js';
export { convTranspose2d } from './reference.js';
export { type DType, DTYPES, type Tensor, allocate, checkTensor, dtypeOf, sizeOf, tensor } from './tensor.js';
