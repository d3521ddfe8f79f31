import { runConformance } from '@convt/conformance';
import { describe, expect, it } from 'vitest';
import { createBackend, supportsRelaxedSimd } from './index.js';

describe('conformance', () => {
  it('runs where relaxed SIMD is on, so that both kernel builds are tested', () => {
    expect(supportsRelaxedSimd()).toBe(true);
  });

  for (const relaxedSimd of [true, false]) {
    for (const threads of [1, 2]) {
      it(`passes every case with ${threads} thread(s), relaxedSimd: ${relaxedSimd}`, async () => {
        const backend = await createBackend({ threads, relaxedSimd, minParallelFlops: 0 });
        try {
          expect(backend.capabilities.relaxedSimd).toBe(relaxedSimd);
          const report = await runConformance(backend);
          expect(report.failures.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
          expect(report.valid.total).toBeGreaterThan(300);
          expect(report.invalid.total).toBeGreaterThan(0);
        } finally {
          await backend.dispose();
        }
      }, 180_000);
    }
  }
});
