import { defineConfig } from 'vitest/config';

/** Tests resolve workspace packages to their TypeScript sources, so no build is needed between edits. */
export default defineConfig({
  resolve: { conditions: ['@convt/source'] },
  ssr: { resolve: { conditions: ['@convt/source'] } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
