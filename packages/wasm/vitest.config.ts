import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Node 20 has relaxed SIMD behind a flag (on by default from Node 22): the tests run both kernel builds.
const relaxedSimd =
  Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

export default mergeConfig(shared, defineConfig({ test: { execArgv: relaxedSimd } }));
