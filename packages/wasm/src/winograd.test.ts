import { checkAgainstReference, layerTensors } from '@convt/conformance';
import { type ConvTranspose2dOptions, resolveConvTranspose2d, type Tensor, UNIT_ROUNDOFF } from '@convt/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './index.js';
import { winogradTiling } from './winograd-plan.js';

interface Layer {
  readonly input: readonly number[];
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly options: ConvTranspose2dOptions;
  readonly bias?: boolean;
}

/**
 * Layers that take Winograd tiles, near the qualifying minimum: odd phase sizes (partial tiles), a
 * batch, groups, channel counts that are not whole vectors or blocks, no bias, 2 and 3 taps, unequal
 * tap counts per axis, unbatched input.
 */
const LAYERS: Layer[] = [
  { input: [1, 64, 8, 7], outChannels: 64, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [3, 72, 6, 9], outChannels: 50, kernel: [4, 4], options: { stride: 2, padding: 1 }, bias: false },
  { input: [2, 130, 6, 6], outChannels: 100, kernel: [4, 4], options: { stride: 2, padding: 1, groups: 2 } },
  { input: [1, 66, 8, 8], outChannels: 61, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 64, 7, 6], outChannels: 64, kernel: [4, 4], options: { stride: 2 } },
  {
    input: [2, 64, 8, 9],
    outChannels: 64,
    kernel: [4, 4],
    options: { stride: 2, padding: 1, outputPadding: 1 },
  },
  { input: [1, 40, 9, 11], outChannels: 36, kernel: [3, 3], options: { padding: 1 } },
  { input: [2, 33, 7, 9], outChannels: 34, kernel: [3, 3], options: { padding: 1 }, bias: false },
  { input: [1, 32, 5, 7], outChannels: 32, kernel: [6, 6], options: { stride: 2, padding: 2 } },
  { input: [1, 64, 6, 5], outChannels: 64, kernel: [4, 3], options: { stride: [2, 1], padding: 1 } },
  { input: [64, 9, 9], outChannels: 64, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 64, 13, 3], outChannels: 72, kernel: [2, 2], options: {} },
  // dcgan1: 19 MB of transformed weights, which stay in a last-level cache between calls.
  { input: [1, 512, 4, 4], outChannels: 256, kernel: [4, 4], options: { stride: 2, padding: 1 } },
];

const name = (l: Layer) =>
  `x=[${l.input}] co=${l.outChannels} k=[${l.kernel}] ${JSON.stringify(l.options)}${l.bias === false ? ' no bias' : ''}`;

function tensors(layer: Layer, seed: number) {
  const { input, weight, bias } = layerTensors({ ...layer, groups: layer.options.groups }, 'float32', seed);
  return { x: input, w: weight, b: bias };
}

function plan(layer: Layer) {
  const groups = layer.options.groups ?? 1;
  const cin = layer.input[layer.input.length - 3]!;
  return resolveConvTranspose2d(
    layer.input,
    [cin, layer.outChannels / groups, ...layer.kernel],
    null,
    layer.options,
  );
}

/** Checks `actual` against the float64 reference within the conformance suite's float32 bound. */
function expectWithinBounds(
  actual: Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  options: ConvTranspose2dOptions,
) {
  const verdict = checkAgainstReference(actual, x, w, b, options, UNIT_ROUNDOFF.float32);
  expect(verdict.message ?? 'within bounds').toBe('within bounds');
}

describe('winogradTiling', () => {
  it.each(LAYERS.map((l) => [name(l), l] as const))('takes %s', (_, layer) => {
    expect(winogradTiling(plan(layer), 1)).not.toBeNull();
  });

  it.each([
    ['phases with 1 and 2 taps', [1, 64, 6, 6], 64, [3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
    ['dilation', [1, 64, 6, 6], 64, [3, 3], { dilation: 2 }],
    ['1 tap', [1, 64, 6, 6], 64, [2, 2], { stride: 2 }],
    ['4 taps', [1, 64, 6, 6], 64, [4, 4], {}],
    ['few input channels', [1, 16, 6, 6], 256, [4, 4], { stride: 2, padding: 1 }],
    ['few output channels', [1, 256, 6, 6], 8, [4, 4], { stride: 2, padding: 1 }],
    ['48 x 48 channels with 2 x 2 taps', [1, 48, 8, 8], 48, [4, 4], { stride: 2, padding: 1 }],
    ['24 x 24 channels with 3 x 3 taps', [1, 24, 8, 8], 24, [3, 3], { padding: 1 }],
    ['depthwise', [1, 64, 6, 6], 64, [4, 4], { stride: 2, padding: 1, groups: 64 }],
    ['outputs that read no input', [1, 64, 1, 6], 64, [4, 4], { stride: 2, outputPadding: 1 }],
    // One image of 4 x 4 and 38 MB of transformed weights, streamed from memory for 4 tiles per pair.
    ['dcgan1 with 1024 input channels', [1, 1024, 4, 4], 256, [4, 4], { stride: 2, padding: 1 }],
  ] as const)('leaves %s to the direct kernels', (_, input, outChannels, kernel, options) => {
    expect(winogradTiling(plan({ input, outChannels, kernel, options }), 1)).toBeNull();
  });

  it('cuts the work finer for more threads without changing the tiles or the weights', () => {
    const p = plan({
      input: [1, 128, 16, 16],
      outChannels: 64,
      kernel: [4, 4],
      options: { stride: 2, padding: 1 },
    });
    const [one, two] = [winogradTiling(p, 1)!, winogradTiling(p, 2)!];
    expect(two.weightKey).toBe(one.weightKey);
    expect(two.tileBlock).toBe(one.tileBlock);
    expect(two.pairs.map((q) => q.tiles)).toEqual(one.pairs.map((q) => q.tiles));
    expect(two.unitsPerGroup).toBeGreaterThanOrEqual(one.unitsPerGroup);
  });
});

describe('Winograd tiles', () => {
  const backends = Promise.all([1, 2, 3].map((threads) => createBackend({ threads, minParallelFlops: 0 })));
  const direct = createBackend({ threads: 1, winograd: false });
  const exact = createBackend({ threads: 2, relaxedSimd: false, minParallelFlops: 0 });
  afterAll(async () => Promise.all([...(await backends), await direct, await exact].map((b) => b.dispose())));

  it.each(LAYERS.map((l, i) => [name(l), l, i] as const))(
    '%s: within bounds, identical for 1, 2 and 3 threads',
    async (_, layer, i) => {
      const { x, w, b } = tensors(layer, 100 + i);
      const [one, ...more] = await Promise.all(
        (await backends).map((be) => be.convTranspose2d(x, w, b, layer.options)),
      );
      expect(one!.data).toBeInstanceOf(Float32Array);
      for (const result of more) expect(result.data).toEqual(one!.data);
      expectWithinBounds(one!, x, w, b, layer.options);
      // The direct kernels compute something else, bit for bit, within the same bound.
      const other = await (await direct).convTranspose2d(x, w, b, layer.options);
      expect(other.data).not.toEqual(one!.data);
      expectWithinBounds(other, x, w, b, layer.options);
      // So do the 128-bit SIMD kernels (no fused multiply-add); a cache hit computes the same.
      expectWithinBounds(await (await exact).convTranspose2d(x, w, b, layer.options), x, w, b, layer.options);
      const again = await (await backends)[1]!.convTranspose2d(x, w, b, layer.options);
      expect(again.data).toEqual(one!.data);
    },
  );

  it.each([Number.POSITIVE_INFINITY, Number.NaN])(
    'leaves a call with a %s weight or input value to the direct kernels',
    async (v) => {
      const layer = LAYERS[0]!;
      const [one] = await backends;
      for (const target of ['weight', 'input'] as const) {
        const { x, w, b } = tensors(layer, 13);
        (target === 'weight' ? w : x).data[7] = v;
        const expected = await (await direct).convTranspose2d(x, w, b, layer.options);
        const actual = await one!.convTranspose2d(x, w, b, layer.options);
        expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
      }
    },
  );

  it('takes the tiles again once the weights are finite', async () => {
    const layer = LAYERS[0]!;
    const [one] = await backends;
    const { x, w, b } = tensors(layer, 17);
    w.data[3] = Number.NaN;
    await one!.convTranspose2d(x, w, b, layer.options);
    w.data.set(tensors(layer, 19).w.data); // a whole-tensor rewrite: the cache notices it
    const result = await one!.convTranspose2d(x, w, b, layer.options);
    expectWithinBounds(result, x, w, b, layer.options);
    expect(result.data).not.toEqual((await (await direct).convTranspose2d(x, w, b, layer.options)).data);
  });

  it('says in its capabilities that it has the path', async () => {
    const [one] = await backends;
    expect(one!.capabilities.winograd).toBe(true);
    expect((await direct).capabilities.winograd).toBe(false);
  });
});
