import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** The Chromium suite has its own config (test:browser): it needs the built packages. */
export default mergeConfig(
  shared,
  defineConfig({ test: { exclude: [...configDefaults.exclude, 'src/**/*.browser.test.ts'] } }),
);
