import { type AutoBackendOptions, type ChosenBackend, chooseBackend } from './choose.js';

export { type BackendName, describeGpu, PRIORITY } from './candidates.js';
export {
  type Attempt,
  type AutoBackendOptions,
  type BackendChoice,
  type ChosenBackend,
  chooseBackend,
  NoBackendError,
} from './choose.js';

/**
 * The fastest convt backend that starts here: gpu.js on a hardware GPU, then WebAssembly SIMD
 * (threaded where SharedArrayBuffer exists), then plain TypeScript. `backend.choice` says which one
 * was chosen and why every other one was passed over.
 */
export function createBackend(options: AutoBackendOptions = {}): Promise<ChosenBackend> {
  return chooseBackend(options);
}
