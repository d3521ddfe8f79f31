export { type CpuBackend, type CpuBackendOptions, createBackend } from './backend.js';
