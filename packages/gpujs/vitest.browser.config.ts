import { defineConfig } from 'vitest/config';

/** The Chromium suite: Node drives the browser, the page runs the built packages. */
export default defineConfig({
  test: { include: ['src/**/*.browser.test.ts'], testTimeout: 600_000, hookTimeout: 120_000 },
});
