export {
  type Backend,
  type BackendCapabilities,
  type BackendResourceOptions,
  checkBackendOptions,
  createBackend,
  referenceBackend,
  UNIT_ROUNDOFF,
} from './backend.js';
export { type PlannedCall, planCall } from './call.js';
export { ConvTransposeError, type ConvTransposeErrorCode, type ConvTransposeErrorDetails } from './errors.js';
export { ConvTranspose2d, type ConvTranspose2dModuleOptions, initScale } from './module.js';
export {
  type ConvTranspose2dOptions,
  type NormalizedOptions,
  normalizeOptions,
  type Pair,
} from './options.js';
export {
  type AxisPhase,
  type AxisPlan,
  type ConvTranspose2dPlan,
  geometryKey,
  type PhaseCorrelation,
  type PhaseTap,
  phaseCorrelation,
  resolveConvTranspose2d,
} from './plan.js';
export { Random } from './random.js';
export { convTranspose2d } from './reference.js';
export { allocate, checkTensor, DTYPES, type DType, dtypeOf, sizeOf, type Tensor, tensor } from './tensor.js';
export { type CachedValue, WeightCache } from './weight-cache.js';
export { type Transform1d, toomCook } from './winograd.js';
