import { runConformance } from '@convt/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './index.js';

// Single- and multi-threaded; `minParallelFlops: 0` sends even the small cases to the workers.
describe.each([1, 2])('conformance, threads=%i', (threads) => {
  const backend = createBackend({ threads, minParallelFlops: 0 });
  afterAll(async () => (await backend).dispose());

  it('passes every case, float32 and float64', async () => {
    const report = await runConformance(await backend);
    expect(report.failures.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
    expect(report.valid.total).toBeGreaterThan(300);
    expect(report.invalid.total).toBeGreaterThan(0);
    const tagged = (tag: string) =>
      report.results.filter((r) => r.expects === 'output' && r.tags.includes(tag));
    expect(tagged('dtype=float32').length).toBeGreaterThan(100);
    expect(tagged('dtype=float64').length).toBeGreaterThan(10);
  });

  // The declared float32 roundoff (2^-24) covers layers whose Winograd weights are kept as float32
  // (past 32 MiB); no conformance layer is that large, so every case holds float64's bound too.
  it('passes every case within the bounds of float64 sums', async () => {
    const b = await backend;
    const strict = {
      ...b,
      capabilities: { ...b.capabilities, precision: { float32: 2 ** -53, float64: 2 ** -53 } },
    };
    const report = await runConformance(strict);
    expect(report.failures.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
    expect(report.valid.total).toBeGreaterThan(300);
  });
});
