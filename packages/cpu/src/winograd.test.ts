import { checkAgainstReference, layerTensors } from '@convt/conformance';
import {
  type ConvTranspose2dOptions,
  convTranspose2d,
  resolveConvTranspose2d,
  type Tensor,
} from '@convt/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runUnits } from './compute.js';
import { createBackend } from './index.js';
import { INDEX_LIMIT } from './winograd-gemm.js';
import { packWinograd } from './winograd-pack.js';
import { FLOAT32_WEIGHTS_BYTES, planWinograd } from './winograd-plan.js';

interface Layer {
  input: number[];
  outChannels: number;
  kernel: [number, number];
  options: ConvTranspose2dOptions;
  bias?: boolean;
}

/**
 * Layers that take the Winograd path (channels per group near the qualifying minimum): odd phase sizes
 * (partial tiles), batches, groups, a short last channel block, no bias, 2 and 3 taps per phase.
 */
const layers: Layer[] = [
  { input: [1, 48, 5, 7], outChannels: 48, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [3, 48, 6, 9], outChannels: 50, kernel: [4, 4], options: { stride: 2, padding: 1 }, bias: false },
  { input: [2, 96, 5, 6], outChannels: 100, kernel: [4, 4], options: { stride: 2, padding: 1, groups: 2 } },
  { input: [1, 64, 4, 4], outChannels: 64, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 48, 7, 6], outChannels: 48, kernel: [4, 4], options: { stride: 2 } },
  // Phases of unequal length (9 and 8 rows, 10 and 9 columns): pairs with different tile counts.
  {
    input: [2, 48, 8, 9],
    outChannels: 48,
    kernel: [4, 4],
    options: { stride: 2, padding: 1, outputPadding: 1 },
  },
  { input: [1, 48, 9, 10], outChannels: 48, kernel: [2, 2], options: { stride: 1 } },
  { input: [2, 24, 7, 9], outChannels: 26, kernel: [3, 3], options: { padding: 1 }, bias: false },
  { input: [1, 24, 5, 7], outChannels: 24, kernel: [6, 6], options: { stride: 2, padding: 2 } },
  {
    input: [1, 24, 10, 11],
    outChannels: 24,
    kernel: [9, 9],
    options: { stride: 3, padding: 4, outputPadding: 2 },
  },
  { input: [1, 48, 6, 5], outChannels: 48, kernel: [4, 3], options: { stride: [2, 1], padding: 1 } },
  { input: [48, 7, 7], outChannels: 48, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  // Phases with 1 and 2 taps (k3 s2 p1 op1, segmentation up-sampling): 1 x 1 pairs use the identity.
  {
    input: [1, 32, 5, 6],
    outChannels: 32,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1 },
  },
  {
    input: [2, 64, 4, 5],
    outChannels: 64,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1, groups: 2 },
  },
  { input: [2, 192, 4, 3], outChannels: 198, kernel: [3, 5], options: { stride: [2, 3], padding: [1, 1] } },
  // The merged form (few output channels): RGB heads, FSRCNN's 1-channel head (blocks of 3 lanes).
  ...mergedLayers(),
];

/** Layers the cost model sends to the merged form. */
function mergedLayers(): Layer[] {
  return [
    { input: [1, 64, 17, 19], outChannels: 3, kernel: [4, 4], options: { stride: 2, padding: 1 } },
    {
      input: [2, 56, 10, 13],
      outChannels: 1,
      kernel: [9, 9],
      options: { stride: 3, padding: 4, outputPadding: 2 },
    },
    {
      input: [1, 64, 16, 20],
      outChannels: 2,
      kernel: [4, 9],
      options: { stride: [2, 3], padding: [1, 4] },
      bias: false,
    },
    { input: [1, 32, 10, 10], outChannels: 3, kernel: [6, 6], options: { stride: 2, padding: 2 } },
  ];
}

/**
 * Layers the cost model keeps off the merged form, computed on it by force: groups, phases with
 * fewer taps than others (zero taps padded in), phases of unequal length, a 3-D input.
 */
const forcedMerged: Layer[] = [
  { input: [1, 64, 9, 7], outChannels: 6, kernel: [4, 4], options: { stride: 2, padding: 1, groups: 2 } },
  {
    input: [1, 40, 7, 9],
    outChannels: 3,
    kernel: [5, 5],
    options: { stride: 2, padding: 2, outputPadding: 1 },
  },
  {
    input: [2, 32, 6, 5],
    outChannels: 5,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1 },
    bias: false,
  },
  { input: [48, 5, 6], outChannels: 3, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 32, 6, 7], outChannels: 2, kernel: [9, 9], options: { stride: 3, padding: 4 } },
];

const name = (l: Layer) =>
  `x=[${l.input}] co=${l.outChannels} k=[${l.kernel}] ${JSON.stringify(l.options)}${l.bias === false ? ' no bias' : ''}`;

function tensors(layer: Layer, seed: number) {
  const { input, weight, bias } = layerTensors({ ...layer, groups: layer.options.groups }, 'float32', seed);
  return { x: input, w: weight, b: bias };
}

/**
 * Checks `actual` against the float64 reference within the conformance suite's bounds for unit
 * roundoff `u`: by default float64's (the backend sums in float64), plus the rounding to float32.
 */
function expectWithinBounds(
  actual: Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  options: ConvTranspose2dOptions,
  u = 2 ** -53,
) {
  const verdict = checkAgainstReference(actual, x, w, b, options, u);
  expect(verdict.message ?? 'within bounds').toBe('within bounds');
}

describe('planWinograd', () => {
  const plan = (x: number[], co: number, k: number[], options: ConvTranspose2dOptions) =>
    resolveConvTranspose2d(x, [x[x.length - 3]!, co / (options.groups ?? 1), ...k], null, options);

  it.each(layers.map((l) => [name(l), l] as const))('takes %s', (_, l) => {
    expect(planWinograd(plan(l.input, l.outChannels, l.kernel, l.options), 1)).not.toBeNull();
  });

  it.each([
    [
      'phases with 1 and 2 taps, few channels',
      [1, 16, 6, 6],
      16,
      [3, 3],
      { stride: 2, padding: 1, outputPadding: 1 },
    ],
    ['dilation', [1, 64, 6, 6], 64, [3, 3], { dilation: 2 }],
    ['1 tap', [1, 64, 6, 6], 64, [2, 2], { stride: 2 }],
    ['4 taps', [1, 64, 6, 6], 64, [4, 4], {}],
    ['few input channels', [1, 16, 6, 6], 256, [4, 4], { stride: 2, padding: 1 }],
    ['few output channels', [1, 256, 6, 6], 8, [4, 4], { stride: 2, padding: 1 }],
    ['16 x 16 channels with 2 x 2 taps', [1, 16, 6, 6], 16, [4, 4], { stride: 2, padding: 1 }],
    ['8 x 8 channels with 3 x 3 taps', [1, 8, 6, 6], 8, [3, 3], { padding: 1 }],
    ['depthwise', [1, 64, 6, 6], 64, [4, 4], { stride: 2, padding: 1, groups: 64 }],
    ['outputs that read no input', [1, 64, 1, 6], 64, [4, 4], { stride: 2, outputPadding: 1 }],
  ] as const)('leaves %s to the direct path', (_, x, co, k, options) => {
    expect(planWinograd(plan([...x], co, [...k], options), 1)).toBeNull();
  });

  it.each(mergedLayers().map((l) => [name(l), l] as const))('takes the merged form for %s', (_, l) => {
    expect(planWinograd(plan(l.input, l.outChannels, l.kernel, l.options), 1)?.merged).not.toBeNull();
  });

  it.each([
    ['a k3 s2 p1 head (its 1-tap phases gain nothing)', [1, 64, 32, 32], 3, [3, 3], [2, 1, 1]],
    ['16 input channels of a 1-channel k9 s3 head', [1, 8, 32, 32], 1, [9, 9], [3, 4, 2]],
    ['a small image (tiles past the edges)', [1, 64, 9, 11], 3, [4, 4], [2, 1, 0]],
  ] as const)('keeps %s off the merged form', (_, x, co, k, [stride, padding, outputPadding]) => {
    const work = planWinograd(plan([...x], co, [...k], { stride, padding, outputPadding }), 1);
    expect(work?.merged ?? null).toBeNull();
  });

  it('offsets the packed weights by int32 values, and stays direct past the GEMM index bound', () => {
    const layer = (channels: number) =>
      plan([1, channels, 8, 8], channels, [4, 4], { stride: 2, padding: 1 });
    // 2048 x 2048 channels: 4.2e8 transformed weights; 4096 x 4096 would be 1.7e9, past 2^30.
    const work = planWinograd(layer(2048), 1)!;
    expect(work.pairOffset).toBeInstanceOf(Int32Array);
    expect(work.pairOffset[work.pairOffset.length - 1]).toBe(work.length);
    expect(work.length).toBeLessThan(INDEX_LIMIT);
    expect(planWinograd(layer(4096), 1)).toBeNull();
  });

  it('keeps transformed weights as float32 past FLOAT32_WEIGHTS_BYTES of float64', () => {
    const dcgan1 = planWinograd(plan([1, 512, 4, 4], 256, [4, 4], { stride: 2, padding: 1 }), 1)!;
    expect(dcgan1.length * 8).toBeGreaterThan(FLOAT32_WEIGHTS_BYTES);
    expect(dcgan1.float32Weights).toBe(true);
    const dcgan2 = planWinograd(plan([1, 256, 8, 8], 128, [4, 4], { stride: 2, padding: 1 }), 1)!;
    expect(dcgan2.length * 8).toBeLessThanOrEqual(FLOAT32_WEIGHTS_BYTES);
    expect(dcgan2.float32Weights).toBe(false);
    const p = plan([1, 48, 5, 7], 48, [4, 4], { stride: 2, padding: 1 });
    expect(planWinograd(p, 1, { float32Weights: true })!.key).not.toBe(planWinograd(p, 1)!.key);
  });

  it('does not depend on the thread count for what each output computes', () => {
    const p = plan([1, 64, 16, 16], 64, [4, 4], { stride: 2, padding: 1 });
    const [one, four] = [planWinograd(p, 1)!, planWinograd(p, 4)!];
    expect(four.rows).toEqual(one.rows);
    expect(four.cols).toEqual(one.cols);
    expect(four.key).toBe(one.key);
    expect(four.units).toBeGreaterThanOrEqual(one.units);
  });
});

describe('merged form, forced', () => {
  it.each(forcedMerged.map((l) => [name(l), l] as const))('float32 %s: within bounds', (_, layer) => {
    const { x, w, b } = tensors(layer, 29);
    const planned = resolveConvTranspose2d(x.shape, w.shape, b?.shape ?? null, layer.options);
    const work = planWinograd(planned, 1, { merged: true })!;
    expect(work.merged).not.toBeNull();
    const packed = new Float64Array(work.length);
    expect(packWinograd(work, w.data, packed)).toBe(true);
    const out = new Float32Array(planned.batch * planned.outputImageSize);
    runUnits(work, { x: x.data, packed, finite: true, b: b?.data ?? null, out }, 0, work.units);
    expectWithinBounds({ shape: planned.outputShape, data: out }, x, w, b, layer.options);
  });
});

describe('float32 transformed weights, forced', () => {
  it.each(layers.map((l, i) => [name(l), l, i] as const))(
    'float32 %s: within float32 bounds',
    (_, layer, i) => {
      const { x, w, b } = tensors(layer, 37 + i);
      const planned = resolveConvTranspose2d(x.shape, w.shape, b?.shape ?? null, layer.options);
      const work = planWinograd(planned, 1, { float32Weights: true })!;
      const packed = new Float32Array(work.length);
      expect(packWinograd(work, w.data, packed)).toBe(true);
      const out = new Float32Array(planned.batch * planned.outputImageSize);
      runUnits(work, { x: x.data, packed, finite: true, b: b?.data ?? null, out }, 0, work.units);
      expectWithinBounds({ shape: planned.outputShape, data: out }, x, w, b, layer.options, 2 ** -24);
    },
  );
});

describe('Winograd path', () => {
  const backends = Promise.all([1, 2, 3].map((threads) => createBackend({ threads, minParallelFlops: 0 })));
  const direct = createBackend({ threads: 1, winograd: false });
  afterAll(async () => Promise.all([...(await backends), await direct].map((b) => b.dispose())));

  it.each(layers.map((l, i) => [name(l), l, i] as const))(
    'float32 %s: within bounds, identical for 1, 2 and 3 threads',
    async (_, layer, i) => {
      const { x, w, b } = tensors(layer, 71 + i);
      const [one, ...more] = await Promise.all(
        (await backends).map((backend) => backend.convTranspose2d(x, w, b, layer.options)),
      );
      expect(one!.data).toBeInstanceOf(Float32Array);
      for (const result of more) expect(result.data).toEqual(one!.data);
      expectWithinBounds(one!, x, w, b, layer.options);
      // A cache hit computes the same.
      const again = await (await backends)[0]!.convTranspose2d(x, w, b, layer.options);
      expect(again.data).toEqual(one!.data);
    },
  );

  it("is taken: the direct path's exact zeros pick up the tiles' rounding", async () => {
    // One input pixel set: outputs that do not read it are exactly 0 on the direct path, while the
    // Winograd tiles around it carry rounding far below float32's resolution of that pixel's terms.
    const layer: Layer = {
      input: [1, 48, 8, 8],
      outChannels: 48,
      kernel: [4, 4],
      options: { stride: 2, padding: 1 },
    };
    const { x, w } = tensors(layer, 5);
    const work = planWinograd(resolveConvTranspose2d(x.shape, w.shape, null, layer.options), 1)!;
    expect(work.rows.m).toBe(4); // F(4, 2): its G holds thirds, so U is rounded
    x.data.fill(0);
    x.data[5] = 1;
    const [one] = await backends;
    const wino = Array.from((await one!.convTranspose2d(x, w, null, layer.options)).data);
    const exact = Array.from((await (await direct).convTranspose2d(x, w, null, layer.options)).data);
    expect(exact).toEqual(Array.from(convTranspose2d(x, w, null, layer.options).data));
    const noise = wino.filter((v, i) => exact[i] === 0 && v !== 0);
    expect(noise.length).toBeGreaterThan(0);
    for (const v of noise) expect(Math.abs(v)).toBeLessThan(1e-12);
    expect(wino.every((v, i) => Math.abs(v - exact[i]!) <= 2 ** -20 * Math.abs(exact[i]!) + 1e-12)).toBe(
      true,
    );
  });

  it('float32 weights (dcgan1): within float32 bounds, identical for 1 and 2 threads', async () => {
    const layer: Layer = {
      input: [1, 512, 4, 4],
      outChannels: 256,
      kernel: [4, 4],
      options: { stride: 2, padding: 1 },
    };
    const { x, w, b } = tensors(layer, 43);
    const [one, two] = await backends;
    const single = await one!.convTranspose2d(x, w, b, layer.options);
    expect((await two!.convTranspose2d(x, w, b, layer.options)).data).toEqual(single.data);
    expectWithinBounds(single, x, w, b, layer.options, 2 ** -24);
  });

  it('keeps float64 on the direct path: bit-identical to the reference', async () => {
    const layer = layers[0]!;
    const { input: x, weight: w, bias: b } = layerTensors(layer, 'float64', 9);
    const [one] = await backends;
    const result = await one!.convTranspose2d(x, w, b, layer.options);
    expect(Array.from(result.data)).toEqual(Array.from(convTranspose2d(x, w, b, layer.options).data));
  });

  it('stays direct when the transformed weights do not fit the weight cache', async () => {
    const layer = layers[0]!;
    const { x, w, b } = tensors(layer, 11);
    const small = await createBackend({ threads: 1, weightCacheBytes: 1 << 20 }); // U takes 1.5 MB
    const result = await small.convTranspose2d(x, w, b, layer.options);
    expect(Array.from(result.data)).toEqual(Array.from(convTranspose2d(x, w, b, layer.options).data));
    await small.dispose();
  });

  it('finds a non-finite input value at any position', async () => {
    // 1155 values: the finiteness check's four sums and its tail all see one.
    const layer: Layer = {
      input: [1, 33, 5, 7],
      outChannels: 33,
      kernel: [4, 4],
      options: { stride: 2, padding: 1 },
    };
    const p = resolveConvTranspose2d(layer.input, [33, 33, 4, 4], null, layer.options);
    expect(planWinograd(p, 1)).not.toBeNull();
    const [one] = await backends;
    for (const at of [1, 2, 3, 1154]) {
      const { x, w, b } = tensors(layer, 17);
      x.data[at] = Number.NEGATIVE_INFINITY;
      const expected = convTranspose2d(x, w, b, layer.options);
      const actual = await one!.convTranspose2d(x, w, b, layer.options);
      expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    }
  });

  it.each([Number.POSITIVE_INFINITY, Number.NaN])(
    'falls back to the direct path for a %s weight or input value, per pair or merged',
    async (v) => {
      const [, two] = await backends;
      for (const [layer, target] of [
        [layers[0]!, 'weight'],
        [layers[0]!, 'input'],
        [mergedLayers()[1]!, 'weight'],
        [mergedLayers()[1]!, 'input'],
      ] as const) {
        const { x, w, b } = tensors(layer, 13);
        (target === 'weight' ? w : x).data[0] = v;
        const expected = convTranspose2d(x, w, b, layer.options);
        const actual = await two!.convTranspose2d(x, w, b, layer.options);
        expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
      }
    },
  );
});
