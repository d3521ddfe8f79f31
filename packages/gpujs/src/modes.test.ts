import { ConvTranspose2d, ConvTransposeError, tensor } from '@convt/core';
import { describe, expect, test } from 'vitest';
import { createBackend } from './index.js';

describe('createBackend', () => {
  test("'auto' starts the best mode gpu.js has here and says which", async () => {
    // Under the test script's X server, headless-gl is the best mode Node offers.
    const backend = await createBackend();
    try {
      expect(backend.capabilities).toMatchObject({ mode: 'headlessgl', kernelClass: 'HeadlessGLKernel' });
      expect(backend.name).toBe('gpujs-headlessgl');
      // headless-gl names only its ANGLE front end, so whether a GPU is behind it cannot be told.
      expect(backend.capabilities).toMatchObject({ renderer: 'ANGLE', hardwareAccelerated: null });
    } finally {
      await backend.dispose();
    }
  });

  test.each(['webgl2', 'webgl', 'webgpu'] as const)(
    'an explicit %s that cannot start in Node rejects with the reason',
    async (mode) => {
      const error = await createBackend({ mode }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConvTransposeError);
      expect(error).toMatchObject({ code: 'NOT_SUPPORTED', parameter: 'mode', value: mode });
      expect((error as Error).message).toMatch(/cannot start here: .+\(needs /);
    },
  );

  test('an unknown mode rejects', async () => {
    await expect(createBackend({ mode: 'metal' as 'cpu' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      parameter: 'mode',
    });
  });

  test.each([0, 2 ** 24 + 1, 1.5])('maxTileCells %d is rejected', async (maxTileCells) => {
    await expect(createBackend({ mode: 'cpu', maxTileCells })).rejects.toMatchObject({
      code: 'INVALID_OPTION_TYPE',
      parameter: 'maxTileCells',
    });
  });

  test('webasm takes a thread count; 1 computes on the calling thread', async () => {
    const backend = await createBackend({ mode: 'webasm', threads: 1 });
    try {
      expect(backend.capabilities.threads).toBe(1);
    } finally {
      await backend.dispose();
    }
  });

  test('a disposed backend rejects calls', async () => {
    const backend = await createBackend({ mode: 'cpu' });
    await backend.dispose();
    const x = { shape: [1, 1, 1, 1], data: new Float32Array(1) };
    await expect(backend.convTranspose2d(x, x)).rejects.toThrow(/disposed/);
  });

  test('drives the ConvTranspose2d module', async () => {
    const backend = await createBackend({ mode: 'webasm' });
    try {
      const layer = new ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, seed: 7, backend });
      const reference = new ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, seed: 7 });
      const input = tensor(
        Float32Array.from({ length: 3 * 5 * 5 }, (_, i) => Math.sin(i)),
        [3, 5, 5],
      );
      const [actual, expected] = await Promise.all([
        layer.forward(input, [10, 10]),
        reference.forward(input, [10, 10]),
      ]);
      expect(actual.shape).toEqual([4, 10, 10]);
      expect(Array.from(actual.data).every((v, i) => Math.abs(v - expected.data[i]!) < 1e-5)).toBe(true);
    } finally {
      await backend.dispose();
    }
  });
});
