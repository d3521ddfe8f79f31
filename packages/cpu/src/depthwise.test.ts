import { layerTensors } from '@convt/conformance';
import { type ConvTranspose2dOptions, convTranspose2d } from '@convt/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './index.js';

interface Layer {
  input: number[];
  kernel: [number, number];
  options: ConvTranspose2dOptions;
  bias?: boolean;
}

/** Depthwise layers (1 input and 1 output channel per group): paired kernels and the general path. */
const layers: Layer[] = [
  // k4 s2 p1: the paired kernels, with odd and even widths and rows that lose a row tap.
  { input: [1, 5, 9, 11], kernel: [4, 4], options: { stride: 2, padding: 1, groups: 5 } },
  { input: [2, 3, 6, 8], kernel: [4, 4], options: { stride: 2, padding: 1, groups: 3 } },
  { input: [1, 2, 1, 2], kernel: [4, 4], options: { stride: 2, padding: 1, groups: 2 } },
  { input: [1, 4, 7, 5], kernel: [4, 4], options: { stride: 2, padding: 3, outputPadding: 1, groups: 4 } },
  { input: [1, 3, 5, 6], kernel: [4, 4], options: { stride: 2, groups: 3 }, bias: false },
  { input: [1, 3, 5, 5], kernel: [3, 3], options: { stride: 1, padding: 1, groups: 3 } },
  { input: [2, 4, 6, 7], kernel: [3, 3], options: { stride: 2, padding: 1, outputPadding: 1, groups: 4 } },
  {
    input: [1, 3, 5, 6],
    kernel: [5, 3],
    options: { stride: 3, padding: [2, 1], outputPadding: 2, groups: 3 },
  },
  { input: [1, 2, 6, 6], kernel: [3, 3], options: { stride: 2, padding: 2, dilation: 2, groups: 2 } },
  {
    input: [1, 2, 5, 4],
    kernel: [4, 4],
    options: { stride: [1, 2], padding: 1, dilation: [2, 1], groups: 2 },
  },
  { input: [4, 5, 5], kernel: [2, 2], options: { stride: 2, groups: 4 } },
];

function inputs(layer: Layer, dtype: 'float32' | 'float64', seed: number) {
  const channels = layer.input[layer.input.length - 3]!;
  const spec = { ...layer, outChannels: channels, groups: channels };
  const { input: x, weight: w, bias: b } = layerTensors(spec, dtype, seed);
  return { x, w, b };
}

const name = (l: Layer) =>
  `x=[${l.input}] k=[${l.kernel}] ${JSON.stringify(l.options)}${l.bias === false ? ' no bias' : ''}`;

describe.each([1, 3])('depthwise, threads=%i', (threads) => {
  const backend = createBackend({ threads, minParallelFlops: 0 });
  afterAll(async () => (await backend).dispose());

  for (const dtype of ['float32', 'float64'] as const) {
    it.each(layers.map((l, i) => [name(l), l, i] as const))(`${dtype} %s`, async (_, layer, i) => {
      const { x, w, b } = inputs(layer, dtype, 41 + i);
      const expected = convTranspose2d(x, w, b, layer.options);
      const actual = await (await backend).convTranspose2d(x, w, b, layer.options);
      expect(actual.shape).toEqual(expected.shape);
      // Same sum order as the reference: bit-identical.
      expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    });
  }

  it('takes only the taps inside the input when weights are infinite or NaN', async () => {
    const layer = layers[0]!;
    const { x, w, b } = inputs(layer, 'float32', 7);
    w.data[0] = Number.POSITIVE_INFINITY;
    w.data[17] = Number.NaN;
    w.data[35] = Number.NEGATIVE_INFINITY;
    const expected = convTranspose2d(x, w, b, layer.options);
    const actual = await (await backend).convTranspose2d(x, w, b, layer.options);
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
  });
});
