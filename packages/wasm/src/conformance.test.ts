import { runConformance } from '@convt/conformance';
import { describe, expect, it } from 'vitest';
import { createBackend } from './index.js';

describe('conformance', () => {
  for (const threads of [1, 2]) {
    it(`passes every case with ${threads} thread(s)`, async () => {
      const backend = await createBackend({ threads });
      try {
        const report = await runConformance(backend);
        expect(report.failures.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
        expect(report.valid.total).toBeGreaterThan(300);
        expect(report.invalid.total).toBeGreaterThan(0);
      } finally {
        await backend.dispose();
      }
    }, 180_000);
  }
});
