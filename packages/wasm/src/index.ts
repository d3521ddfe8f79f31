export { createBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';
