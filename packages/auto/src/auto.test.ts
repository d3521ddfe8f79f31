import { ConvTranspose2d, convTranspose2d, tensor } from '@convt/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from './index.js';

const layer = new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, seed: 5 });
const input = tensor(
  Array.from({ length: 2 * 4 * 5 * 5 }, (_, i) => Math.sin(i)),
  [2, 4, 5, 5],
);
const expected = convTranspose2d(input, layer.weight, layer.bias, layer.options);

async function maxErrorOn(backend: Awaited<ReturnType<typeof createBackend>>): Promise<number> {
  const out = await backend.convTranspose2d(input, layer.weight, layer.bias, layer.options);
  expect(out.shape).toEqual(expected.shape);
  return Math.max(...Array.from(out.data, (v, i) => Math.abs(v - expected.data[i]!)));
}

describe('createBackend on this machine', () => {
  it('passes over a GPU path that is not a hardware GPU and picks wasm', async () => {
    const backend = await createBackend({ threads: 2 });
    try {
      expect(backend.choice.chosen).toBe('wasm');
      const gpu = backend.choice.attempts[0]!;
      expect(gpu.name).toBe('gpujs');
      expect(gpu.outcome).toBe('failed');
      expect(gpu.reason).toMatch(/no hardware GPU \(.+\)/);
      expect(backend.choice.attempts[2]).toMatchObject({ name: 'cpu', outcome: 'not tried' });
      expect(backend.capabilities.threads).toBe(2);
      expect(await maxErrorOn(backend)).toBeLessThan(1e-5);
    } finally {
      await backend.dispose?.();
    }
  });

  it('falls back to cpu when asked to, and computes the same layer', async () => {
    const backend = await createBackend({ exclude: ['gpujs', 'wasm'], threads: 1 });
    try {
      expect(backend.choice.chosen).toBe('cpu');
      expect(backend.choice.summary).toMatch(/^gpujs excluded: .*; wasm excluded: .*; cpu chosen \(1 thread/);
      expect(await maxErrorOn(backend)).toBeLessThan(1e-5);
    } finally {
      await backend.dispose?.();
    }
  });

  it("takes a GPU path of unknown renderer when allowed, never gpu.js's CPU fallback", async () => {
    const backend = await createBackend({ allowSoftwareGpu: true });
    try {
      if (process.env.DISPLAY) {
        // headless-gl starts under an X server but does not name its renderer.
        expect(backend.choice.chosen).toBe('gpujs');
        expect(backend.capabilities.mode).toBe('headlessgl');
      } else {
        expect(backend.choice.chosen).toBe('wasm');
        expect(backend.choice.attempts[0]!.reason).toMatch(/gpu.js fell back to its \w+ mode/);
      }
      expect(await maxErrorOn(backend)).toBeLessThan(1e-4);
    } finally {
      await backend.dispose?.();
    }
  });
});
