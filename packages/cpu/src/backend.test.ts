import {
  type ConvTranspose2dOptions,
  ConvTransposeError,
  convTranspose2d,
  Random,
  type Tensor,
  tensor,
} from '@convt/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './index.js';

function random(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const t = tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape, dtype);
  new Random(seed).fill(t.data, -1, 1);
  return t;
}

describe('createBackend', () => {
  it('declares its capabilities as data', async () => {
    const backend = await createBackend({ threads: 3 });
    expect(backend.name).toBe('cpu');
    expect(backend.capabilities.dtypes).toEqual(['float32', 'float64']);
    // Float32 layers on the Winograd path may keep their transformed weights as float32.
    expect(backend.capabilities.precision).toEqual({ float32: 2 ** -24, float64: 2 ** -53 });
    const direct = await createBackend({ threads: 1, winograd: false });
    expect(direct.capabilities.precision).toEqual({ float32: 2 ** -53, float64: 2 ** -53 });
    await direct.dispose();
    expect(backend.capabilities.threads).toBe(3);
    expect(backend.capabilities.sharedMemory).toBe(true);
    await backend.dispose();
  });

  it('defaults to every reported core', async () => {
    const { availableParallelism } = await import('node:os');
    const backend = await createBackend();
    expect(backend.capabilities.threads).toBe(availableParallelism());
    await backend.dispose();
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects threads=%s', async (threads) => {
    await expect(createBackend({ threads })).rejects.toThrow(ConvTransposeError);
    await expect(createBackend({ threads })).rejects.toThrow(/threads=.* must be an integer >= 1/);
  });

  it('validates like core, with the same errors', async () => {
    const backend = await createBackend({ threads: 1 });
    const x = random([1, 4, 3, 3], 1);
    const w = random([4, 2, 3, 3], 2);
    const call = backend.convTranspose2d(x, w, null, { stride: 2, outputPadding: 2 });
    await expect(call).rejects.toThrow(ConvTransposeError);
    await expect(call).rejects.toMatchObject({ code: 'OUTPUT_PADDING_RULE' });
    await expect(backend.convTranspose2d(x, random([4, 2, 3, 3], 2, 'float64'))).rejects.toMatchObject({
      code: 'DTYPE_MISMATCH',
    });
  });
});

describe('threads', () => {
  // The direct path, bit-identical to the reference; the Winograd path has its own tests.
  const backends = Promise.all(
    [1, 2, 3].map((threads) => createBackend({ threads, minParallelFlops: 0, winograd: false })),
  );
  afterAll(async () => Promise.all((await backends).map((b) => b.dispose())));

  // Layers whose work is cut by bands, by channel chunks and by images.
  const layers = [
    { x: [1, 64, 4, 4], w: [64, 32, 4, 4], options: { stride: 2, padding: 1 } },
    { x: [1, 8, 24, 20], w: [8, 4, 2, 2], options: { stride: 2 } },
    { x: [5, 6, 7, 7], w: [6, 3, 3, 3], options: { stride: 3, padding: 1, groups: 3 } },
    { x: [1, 4, 30, 30], w: [4, 1, 9, 9], options: { stride: 3, padding: 4, outputPadding: 2 } },
  ];

  it.each(layers)('are bit-identical for any count: x=$x w=$w', async ({ x, w, options }) => {
    const input = random(x, 3);
    const weight = random(w, 4);
    const bias = random([w[1]! * (options.groups ?? 1)], 5);
    const [one, ...more] = await Promise.all(
      (await backends).map((b) => b.convTranspose2d(input, weight, bias, options)),
    );
    for (const result of more) expect(result.data).toEqual(one!.data);
    expect(Array.from(one!.data)).toEqual(Array.from(convTranspose2d(input, weight, bias, options).data));
  });

  it('return the input dtype, also from shared memory', async () => {
    const [, two] = await backends;
    const x = random([2, 3, 5, 5], 6, 'float64');
    const shared = new Float64Array(new SharedArrayBuffer(x.data.byteLength));
    shared.set(x.data);
    const w = random([3, 2, 3, 3], 7, 'float64');
    const result = await two!.convTranspose2d({ shape: x.shape, data: shared }, w, null, { stride: 2 });
    expect(result.data).toBeInstanceOf(Float64Array);
    expect(Array.from(result.data)).toEqual(Array.from(convTranspose2d(x, w, null, { stride: 2 }).data));
  });

  it('serve calls in flight at the same time', async () => {
    const [, , three] = await backends;
    const inputs = [1, 2, 3, 4].map((seed) => random([2, 8, 6, 6], seed));
    const w = random([8, 4, 4, 4], 9);
    const results = await Promise.all(inputs.map((x) => three!.convTranspose2d(x, w, null, { stride: 2 })));
    results.forEach((r, i) => {
      expect(Array.from(r.data)).toEqual(
        Array.from(convTranspose2d(inputs[i]!, w, null, { stride: 2 }).data),
      );
    });
  });

  it('start again after dispose', async () => {
    const backend = await createBackend({ threads: 2, minParallelFlops: 0 });
    const x = random([1, 4, 5, 5], 1);
    const w = random([4, 4, 3, 3], 2);
    const first = await backend.convTranspose2d(x, w);
    await backend.dispose();
    await backend.dispose();
    expect((await backend.convTranspose2d(x, w)).data).toEqual(first.data);
    await backend.dispose();
  });
});

describe('non-finite weights', () => {
  it.each([Number.POSITIVE_INFINITY, Number.NaN])(
    '%s reaches only the outputs its tap reaches',
    async (v) => {
      const backend = await createBackend({ threads: 2, minParallelFlops: 0 });
      const x = random([1, 2, 5, 6], 1);
      const w = random([2, 3, 4, 4], 2);
      w.data[0] = v; // tap (0, 0): the padding keeps it off the last rows and columns
      const options = { stride: 2, padding: 1 };
      const expected = convTranspose2d(x, w, null, options);
      const actual = await backend.convTranspose2d(x, w, null, options);
      expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
      expect(Array.from(expected.data).some((e) => Number.isFinite(e))).toBe(true);
      expect(Array.from(expected.data).some((e) => !Number.isFinite(e))).toBe(true);
      await backend.dispose();
    },
  );
});

describe('weight cache', () => {
  const backends = Promise.all([1, 2].map((threads) => createBackend({ threads, minParallelFlops: 0 })));
  afterAll(async () => Promise.all((await backends).map((b) => b.dispose())));
  const x = random([2, 8, 6, 5], 11);
  const options = { stride: 2, padding: 1 };
  const reference = (w: Tensor, opts: ConvTranspose2dOptions = options) =>
    Array.from(convTranspose2d(x, w, null, opts).data);

  it('gives identical results on a hit', async () => {
    const w = random([8, 6, 4, 4], 12);
    for (const backend of await backends) {
      const first = await backend.convTranspose2d(x, w, null, options);
      const second = await backend.convTranspose2d(x, w, null, options);
      expect(Array.from(first.data)).toEqual(reference(w));
      expect(Array.from(second.data)).toEqual(reference(w));
    }
  });

  it('packs the same weights again for another geometry', async () => {
    const w = random([8, 6, 4, 4], 13);
    const others = [
      { stride: 1 },
      { stride: 3, padding: 2, dilation: 2 },
      { stride: [2, 1], padding: [0, 1] },
    ];
    for (const backend of await backends) {
      for (const opts of [options, ...others, options] as ConvTranspose2dOptions[]) {
        const result = await backend.convTranspose2d(x, w, null, opts);
        expect(Array.from(result.data)).toEqual(reference(w, opts));
      }
    }
  });

  it('notices a weight rewritten in place', async () => {
    const w = random([8, 6, 4, 4], 14);
    for (const backend of await backends) {
      await backend.convTranspose2d(x, w, null, options);
      const fresh = random([8, 6, 4, 4], 15 + backend.capabilities.threads);
      w.data.set(fresh.data);
      expect(Array.from((await backend.convTranspose2d(x, w, null, options)).data)).toEqual(reference(w));
      w.data.fill(0.25);
      expect(Array.from((await backend.convTranspose2d(x, w, null, options)).data)).toEqual(reference(w));
    }
  });

  it('repacks a single edited value after forget', async () => {
    const w = random([8, 6, 4, 4], 16);
    for (const backend of await backends) {
      await backend.convTranspose2d(x, w, null, options);
      w.data[5] = (w.data[5] as number) + 1; // between sampled values: a contract case for forget
      backend.forget(w);
      expect(Array.from((await backend.convTranspose2d(x, w, null, options)).data)).toEqual(reference(w));
    }
  });

  it('keeps a non-finite weight exact on a hit', async () => {
    const w = random([8, 6, 4, 4], 17);
    w.data[0] = Number.NaN;
    for (const backend of await backends) {
      for (let i = 0; i < 2; i++) {
        const result = await backend.convTranspose2d(x, w, null, options);
        expect(Array.from(result.data)).toEqual(reference(w));
      }
    }
  });

  it('computes without caching when the budget is 0', async () => {
    const backend = await createBackend({ threads: 1, weightCacheBytes: 0 });
    const w = random([8, 6, 4, 4], 18);
    await backend.convTranspose2d(x, w, null, options);
    w.data[5] = (w.data[5] as number) + 1;
    expect(Array.from((await backend.convTranspose2d(x, w, null, options)).data)).toEqual(reference(w));
    await backend.dispose();
  });

  it.each([-1, Number.NaN])('rejects weightCacheBytes=%s', async (weightCacheBytes) => {
    await expect(createBackend({ weightCacheBytes })).rejects.toThrow(ConvTransposeError);
  });

  it.each([-1, Number.NaN])('rejects minParallelFlops=%s', async (minParallelFlops) => {
    await expect(createBackend({ minParallelFlops })).rejects.toThrow(ConvTransposeError);
    await expect(createBackend({ minParallelFlops })).rejects.toMatchObject({
      parameter: 'minParallelFlops',
    });
  });
});
