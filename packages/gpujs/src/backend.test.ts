import { checkOutput, errorBounds, runConformance } from '@convt/conformance';
import {
  type ConvTranspose2dOptions,
  ConvTransposeError,
  convTranspose2d,
  Random,
  resolveConvTranspose2d,
  type Tensor,
  tensor,
} from '@convt/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBackend, type GpujsBackend, type GpujsMode, MAX_TILE_CELLS, planTiles } from './index.js';

function random(shape: number[], seed: number): Tensor {
  const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  new Random(seed).fill(t.data, -1, 1);
  return t;
}

/** Runs the backend and checks it against the float64 reference with the conformance suite's bound. */
async function expectMatchesReference(
  backend: GpujsBackend,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvTranspose2dOptions,
): Promise<void> {
  const actual = await backend.convTranspose2d(input, weight, bias, options);
  const wide = (t: Tensor): Tensor => ({ shape: t.shape, data: Float64Array.from(t.data) });
  const wideBias = bias && wide(bias);
  const expected = convTranspose2d(wide(input), wide(weight), wideBias, options).data as Float64Array;
  const u = backend.capabilities.precision.float32!;
  const bounds = errorBounds(wide(input), wide(weight), wideBias, options, expected, u, 'float32');
  const shape = resolveConvTranspose2d(input.shape, weight.shape, bias?.shape ?? null, options).outputShape;
  const verdict = checkOutput(actual, shape, expected, bounds, 'float32', [input, weight]);
  expect(verdict.message ?? 'ok').toBe('ok');
}

/** Each case forces one way of tiling by giving the backend a tiny launch limit. */
const TILED_CASES: readonly {
  name: string;
  input: number[];
  weight: number[];
  options: ConvTranspose2dOptions;
  limit: number;
}[] = [
  { name: 'by batch', input: [5, 2, 4, 4], weight: [2, 2, 2, 2], options: { stride: 2 }, limit: 256 },
  {
    name: 'by whole groups',
    input: [2, 8, 4, 4],
    weight: [8, 3, 3, 2],
    options: { stride: [2, 1], padding: [1, 0], groups: 4 },
    limit: 400,
  },
  {
    name: 'inside a group',
    input: [1, 4, 5, 3],
    weight: [4, 5, 3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1, groups: 2 },
    limit: 200,
  },
  {
    name: 'by rows',
    input: [1, 3, 30, 7],
    weight: [3, 1, 5, 3],
    options: { stride: [3, 2], padding: [4, 1], dilation: [2, 1], outputPadding: [2, 1] },
    limit: 600,
  },
];

/** headlessgl needs an X server: the package's test script starts one with xvfb-run when none is set. */
const MODES: readonly { mode: GpujsMode; kernelClass: string; quick: boolean }[] = [
  { mode: 'headlessgl', kernelClass: 'HeadlessGLKernel', quick: false },
  { mode: 'webasm', kernelClass: 'WebAssemblyKernel', quick: false },
  { mode: 'cpu', kernelClass: 'CPUKernel', quick: false },
];

describe.each(MODES)('mode $mode', ({ mode, kernelClass, quick }) => {
  let backend: GpujsBackend;
  beforeAll(async () => {
    backend = await createBackend({ mode });
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  test('reports the kernel class that runs', () => {
    expect(backend.capabilities).toMatchObject({ mode, kernelClass, dtypes: ['float32'] });
  });

  test(`passes the conformance suite${quick ? ' (quick subset)' : ''}`, { timeout: 600_000 }, async () => {
    const report = await runConformance(backend, { quick });
    expect(report.failures.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
    expect(report.valid.total).toBeGreaterThan(quick ? 50 : 400);
    expect(report.invalid.total).toBeGreaterThan(50);
    expect(report.passed).toBe(report.total);
    // Hundreds of geometries compiled, the least recently used released.
    expect(backend.compiledKernels).toBeGreaterThan(100);
    expect(backend.cachedKernels).toBeLessThanOrEqual(32);
  });

  test('passes the quick conformance subset with every launch limited to 256 cells', async () => {
    const tiny = await createBackend({ mode, maxTileCells: 256 });
    try {
      let tiledCases = 0;
      const report = await runConformance(tiny, {
        quick: true,
        onProgress: () => {
          if ((tiny.lastCall?.tiles ?? 0) > 1) tiledCases++;
        },
      });
      // The wide corners (40-72 input channels) need more cells for one output row than such a
      // launch can address: they must be refused as not supported, and nothing else may fail.
      const refused = (f: { name: string; message?: string }) =>
        /c=\[(72,66|40,36)\]/.test(f.name) && !!f.message?.includes('the most one gpu.js launch can address');
      expect(report.failures.filter((f) => !refused(f)).map((f) => `${f.name}: ${f.message}`)).toEqual([]);
      expect(report.failures.filter(refused).length).toBe(2);
      expect(tiledCases).toBeGreaterThan(10);
    } finally {
      await tiny.dispose();
    }
  });

  test('rejects float64 with DTYPE_UNSUPPORTED', async () => {
    const x = tensor([1, 2, 3, 4], [1, 1, 2, 2], 'float64');
    const w = tensor([1], [1, 1, 1, 1], 'float64');
    await expect(backend.convTranspose2d(x, w)).rejects.toMatchObject({
      name: 'ConvTransposeError',
      code: 'DTYPE_UNSUPPORTED',
    });
  });

  test('a second call with the same geometry compiles nothing', async () => {
    const x = random([2, 3, 6, 5], 1);
    const w = random([3, 4, 3, 3], 2);
    const options = { stride: 2, padding: 1, outputPadding: 1 };
    await backend.convTranspose2d(x, w, null, options);
    const compiled = backend.compiledKernels;
    await expectMatchesReference(backend, random([2, 3, 6, 5], 3), random([3, 4, 3, 3], 4), null, options);
    expect(backend.compiledKernels).toBe(compiled);
    expect(backend.lastCall).toEqual({ tiles: 1, compiledKernels: 0, kernelClass });
  });

  test('loops longer than gpu.js loopMaxIterations default (1000) are not cut short', async () => {
    await expectMatchesReference(
      backend,
      random([1, 1100, 2, 2], 5),
      random([1100, 2, 2, 2], 6),
      random([2], 7),
      {
        stride: 2,
      },
    );
  });

  test.each(TILED_CASES)(
    'tiles a call above the launch limit: $name',
    async ({ input, weight, options, limit }) => {
      const tiled = await createBackend({ mode, maxTileCells: limit });
      try {
        const outChannels = weight[1]! * (options.groups ?? 1);
        const plan = resolveConvTranspose2d(input, weight, [outChannels], options);
        const expectedTiles = planTiles(plan, limit).length;
        expect(expectedTiles).toBeGreaterThan(1);
        await expectMatchesReference(
          tiled,
          random(input, 11),
          random(weight, 12),
          random([outChannels], 13),
          options,
        );
        expect(tiled.lastCall?.tiles).toBe(expectedTiles);
      } finally {
        await tiled.dispose();
      }
    },
  );
});

describe('headlessgl above gpu.js index limits', () => {
  test('an output of more than 2^24 cells is tiled and correct', { timeout: 300_000 }, async () => {
    const backend = await createBackend({ mode: 'headlessgl' });
    try {
      const options = { stride: 2, padding: 1, outputPadding: 1 };
      const x = random([1, 1, 2049, 2049], 21);
      const w = random([1, 1, 3, 3], 22);
      const plan = resolveConvTranspose2d(x.shape, w.shape, null, options);
      expect(plan.outHeight * plan.outWidth).toBeGreaterThan(MAX_TILE_CELLS);
      await expectMatchesReference(backend, x, w, null, options);
      expect(backend.lastCall?.tiles).toBeGreaterThan(4);
    } finally {
      await backend.dispose();
    }
  });
});

test('validation errors are core errors', async () => {
  const backend = await createBackend({ mode: 'webasm' });
  try {
    const error = await backend
      .convTranspose2d(random([1, 2, 3, 3], 1), random([2, 1, 3, 3], 2), null, {
        stride: 2,
        outputPadding: 2,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvTransposeError);
    expect(error).toMatchObject({ code: 'OUTPUT_PADDING_RULE' });
  } finally {
    await backend.dispose();
  }
});
