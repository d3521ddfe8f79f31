export { createBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';
export { relaxedSimdNodeFlags, supportsRelaxedSimd } from './kernel.js';
