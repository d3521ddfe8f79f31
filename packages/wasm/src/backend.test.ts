import { layerTensors } from '@convt/conformance';
import {
  type ConvTranspose2dOptions,
  ConvTransposeError,
  convTranspose2d,
  type Tensor,
  tensor,
} from '@convt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callThreads } from './backend.js';
import { createBackend, type WasmBackend, type WasmBackendOptions } from './index.js';

interface Case {
  readonly input: readonly number[];
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly options?: ConvTranspose2dOptions;
  readonly bias?: boolean;
}

const CASES: Case[] = [
  { input: [1, 3, 5, 5], outChannels: 4, kernel: [3, 3] },
  { input: [2, 6, 4, 7], outChannels: 9, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 8, 5, 6], outChannels: 5, kernel: [3, 2], options: { stride: [3, 1], padding: [1, 0] } },
  {
    input: [1, 4, 6, 5],
    outChannels: 4,
    kernel: [5, 5],
    options: { stride: 4, padding: 2, outputPadding: 3 },
  },
  { input: [2, 4, 5, 5], outChannels: 6, kernel: [3, 3], options: { stride: 2, dilation: 2, groups: 2 } },
  { input: [1, 6, 7, 9], outChannels: 6, kernel: [4, 4], options: { stride: 2, padding: 1, groups: 6 } },
  {
    input: [3, 5, 6, 5],
    outChannels: 10,
    kernel: [3, 3],
    options: { groups: 5, stride: 3, outputPadding: 2 },
  },
  {
    input: [1, 8, 9, 10],
    outChannels: 1,
    kernel: [9, 9],
    options: { stride: 3, padding: 4, outputPadding: 2 },
  },
  { input: [1, 4, 20, 21], outChannels: 3, kernel: [2, 2], options: { stride: 2 } },
  { input: [1, 3, 4, 4], outChannels: 2, kernel: [1, 1], options: { stride: 4 } },
  // No tap outside the input and whole vectors per row: the planes are copied straight to their places.
  { input: [2, 6, 4, 16], outChannels: 5, kernel: [2, 2], options: { stride: 2 } },
  { input: [1, 8, 6, 8], outChannels: 8, kernel: [2, 2], options: { stride: 2, groups: 2 } },
  {
    input: [4, 3, 3],
    outChannels: 5,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputSize: [6, 6] },
  },
  {
    input: [1, 2, 3, 3],
    outChannels: 2,
    kernel: [3, 3],
    options: { stride: 1, dilation: 3, outputPadding: 2 },
  },
  { input: [1, 2, 8, 8], outChannels: 3, kernel: [3, 3], options: { padding: 2, dilation: 2 }, bias: false },
  {
    input: [2, 12, 3, 4],
    outChannels: 8,
    kernel: [4, 3],
    options: { stride: [2, 3], padding: [3, 2], dilation: [1, 2] },
  },
  { input: [1, 1, 1, 1], outChannels: 1, kernel: [1, 1] },
  // Interleaved stride-2 column phases (one channel per group) with partial vectors, without bias.
  {
    input: [2, 3, 5, 7],
    outChannels: 3,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1, groups: 3 },
    bias: false,
  },
  // Narrow phases computed two rows at a time, with an odd row count.
  { input: [1, 9, 3, 3], outChannels: 6, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 2, 17, 33], outChannels: 7, kernel: [3, 3], options: { stride: 1, padding: 1 } },
];

function caseTensors(c: Case, seed: number) {
  return layerTensors({ ...c, groups: c.options?.groups }, 'float32', seed);
}

function expectClose(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.data).toBeInstanceOf(Float32Array);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
  }
  expect(worst).toBeLessThan(1e-4);
}

for (const threads of [1, 2, 3]) {
  describe(`wasm backend, ${threads} thread(s)`, () => {
    let backend: WasmBackend;
    beforeAll(async () => {
      backend = await createBackend({ threads, minParallelFlops: 0 });
    });
    afterAll(() => backend.dispose());

    it('reports its capabilities', () => {
      expect(backend.capabilities.dtypes).toEqual(['float32']);
      expect(backend.capabilities.threads).toBe(threads);
    });

    CASES.forEach((c, i) => {
      it(`matches the reference: input [${c.input}] k=[${c.kernel}] ${JSON.stringify(c.options ?? {})}`, async () => {
        const { input, weight, bias } = caseTensors(c, 100 + i);
        const actual = await backend.convTranspose2d(input, weight, bias, c.options);
        expectClose(actual, convTranspose2d(input, weight, bias, c.options));
      });
    });
  });
}

/** The case's output from a fresh backend per set of options. */
async function outputsOf(c: Case, seed: number, options: readonly WasmBackendOptions[]) {
  const { input, weight, bias } = caseTensors(c, seed);
  const outputs: Float32Array[] = [];
  for (const o of options) {
    const backend = await createBackend(o);
    outputs.push((await backend.convTranspose2d(input, weight, bias, c.options)).data as Float32Array);
    await backend.dispose();
  }
  return outputs;
}

describe('wasm backend behaviour', () => {
  for (const relaxedSimd of [true, false]) {
    it(`gives bit-identical results for any thread count (relaxedSimd: ${relaxedSimd})`, async () => {
      const c: Case = {
        input: [2, 16, 9, 11],
        outChannels: 12,
        kernel: [4, 4],
        options: { stride: 2, padding: 1 },
      };
      const outputs = await outputsOf(
        c,
        7,
        [1, 2, 4].map((threads) => ({ threads, relaxedSimd, minParallelFlops: 0 })),
      );
      expect(outputs[1]).toEqual(outputs[0]);
      expect(outputs[2]).toEqual(outputs[0]);
    });
  }

  it('fuses multiply-adds with relaxed SIMD (one rounding per product) and not without', async () => {
    // One product plus a bias: -1 + (1 + 2^-12)^2 = 2^-11 + 2^-24 exactly, a float32. Rounded twice, the
    // product 1 + 2^-11 + 2^-24 is a tie between two float32s and rounds to even, 1 + 2^-11: 2^-24 is lost.
    const a = 1 + 2 ** -12;
    const input = tensor(new Float32Array([a]), [1, 1, 1, 1]);
    const weight = tensor(new Float32Array([a]), [1, 1, 1, 1]);
    const bias = tensor(new Float32Array([-1]), [1]);
    const results: number[] = [];
    for (const relaxedSimd of [true, false]) {
      const backend = await createBackend({ threads: 1, relaxedSimd });
      results.push((await backend.convTranspose2d(input, weight, bias)).data[0]!);
      await backend.dispose();
    }
    expect(results).toEqual([2 ** -11 + 2 ** -24, 2 ** -11]);
  });

  it('rejects float64 and invalid arguments like core', async () => {
    const backend = await createBackend({ threads: 1 });
    const input = tensor(new Float64Array(4), [1, 1, 2, 2]);
    const weight = tensor(new Float64Array(4), [1, 1, 2, 2]);
    await expect(backend.convTranspose2d(input, weight)).rejects.toMatchObject({ code: 'DTYPE_UNSUPPORTED' });
    const x = tensor(new Float32Array(4), [1, 1, 2, 2]);
    const w = tensor(new Float32Array(8), [2, 1, 2, 2]);
    await expect(backend.convTranspose2d(x, w)).rejects.toBeInstanceOf(ConvTransposeError);
    await backend.dispose();
  });

  it.each([
    [{ threads: 0 }, 'threads'],
    [{ threads: 1.5 }, 'threads'],
    [{ weightCacheBytes: -1 }, 'weightCacheBytes'],
  ])('rejects %j with a ConvTransposeError naming %s', async (options, parameter) => {
    const call = createBackend(options);
    await expect(call).rejects.toBeInstanceOf(ConvTransposeError);
    await expect(call).rejects.toMatchObject({ code: 'INVALID_OPTION_TYPE', parameter });
  });

  it('runs layers below minParallelFlops on the calling thread, with the same results', async () => {
    expect(callThreads(3.9e6, 2, 4e6)).toBe(1);
    expect(callThreads(4e6, 2, 4e6)).toBe(2);
    expect(callThreads(1, 3, 0)).toBe(3);
    await expect(createBackend({ threads: 2, minParallelFlops: -1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION_TYPE',
      parameter: 'minParallelFlops',
    });
    const c: Case = {
      input: [1, 8, 6, 7],
      outChannels: 6,
      kernel: [4, 4],
      options: { stride: 2, padding: 1 },
    };
    const outputs = await outputsOf(
      c,
      11,
      [0, 1e12].map((minParallelFlops) => ({ threads: 2, minParallelFlops })),
    );
    expect(outputs[1]).toEqual(outputs[0]);
  });

  it('reuses packed weights and repacks after an in-place rewrite or forget()', async () => {
    const backend = await createBackend({ threads: 1 });
    const c: Case = { input: [1, 4, 5, 5], outChannels: 4, kernel: [3, 3], options: { stride: 2 } };
    const { input, weight, bias } = caseTensors(c, 3);
    const check = async () =>
      expectClose(
        await backend.convTranspose2d(input, weight, bias, c.options),
        convTranspose2d(input, weight, bias, c.options),
      );
    await check();
    await check();
    weight.data.fill(0.25);
    await check();
    weight.data[5] = 3;
    backend.forget(weight);
    await check();
    await backend.dispose();
  });

  it('runs concurrent calls and grows memory for large layers', async () => {
    const backend = await createBackend({ threads: 2, minParallelFlops: 0 });
    const c: Case = {
      input: [1, 64, 40, 40],
      outChannels: 64,
      kernel: [4, 4],
      options: { stride: 2, padding: 1 },
    };
    const small: Case = { input: [1, 3, 4, 4], outChannels: 2, kernel: [3, 3] };
    const big = caseTensors(c, 11);
    const little = caseTensors(small, 12);
    const [a, b] = await Promise.all([
      backend.convTranspose2d(big.input, big.weight, big.bias, c.options),
      backend.convTranspose2d(little.input, little.weight, little.bias),
    ]);
    expectClose(a, convTranspose2d(big.input, big.weight, big.bias, c.options));
    expectClose(b, convTranspose2d(little.input, little.weight, little.bias));
    await backend.dispose();
  });

  it('rejects calls after dispose', async () => {
    const backend = await createBackend({ threads: 2, minParallelFlops: 0 });
    await backend.dispose();
    const x = tensor(new Float32Array(4), [1, 1, 2, 2]);
    await expect(backend.convTranspose2d(x, x)).rejects.toThrow(/disposed/);
  });
});
