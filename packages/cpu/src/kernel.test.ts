import { layerTensors } from '@convt/conformance';
import { type ConvTranspose2dOptions, convTranspose2d } from '@convt/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './index.js';

interface Geometry {
  input: number[];
  outChannels: number;
  kernel: [number, number];
  options?: ConvTranspose2dOptions;
  bias?: boolean;
}

/** A spread of geometries: every stride 1..4, padding, dilation, groups, output padding and sizes. */
const geometries: Geometry[] = [
  { input: [1, 3, 5, 5], outChannels: 4, kernel: [3, 3] },
  { input: [2, 4, 4, 6], outChannels: 8, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  { input: [1, 5, 7, 3], outChannels: 6, kernel: [3, 2], options: { stride: [3, 1], padding: [1, 0] } },
  {
    input: [1, 6, 5, 9],
    outChannels: 3,
    kernel: [5, 5],
    options: { stride: 4, padding: 2, outputPadding: 3 },
  },
  { input: [1, 4, 6, 6], outChannels: 4, kernel: [3, 3], options: { stride: 1, padding: 2, dilation: 2 } },
  {
    input: [1, 4, 5, 5],
    outChannels: 4,
    kernel: [3, 3],
    options: { stride: 2, dilation: 3, outputPadding: 2 },
  },
  { input: [2, 8, 6, 5], outChannels: 12, kernel: [3, 3], options: { stride: 2, padding: 1, groups: 4 } },
  { input: [1, 6, 9, 11], outChannels: 6, kernel: [4, 4], options: { stride: 2, padding: 1, groups: 6 } },
  { input: [1, 6, 7, 7], outChannels: 12, kernel: [3, 3], options: { stride: 3, groups: 6 } },
  { input: [1, 8, 8, 8], outChannels: 9, kernel: [2, 2], options: { stride: 2 } },
  {
    input: [1, 5, 9, 17],
    outChannels: 1,
    kernel: [9, 9],
    options: { stride: 3, padding: 4, outputPadding: 2 },
  },
  {
    input: [1, 4, 4, 4],
    outChannels: 5,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputSize: [8, 8] },
  },
  { input: [3, 5, 6], outChannels: 7, kernel: [3, 4], options: { stride: [2, 3], padding: [2, 1] } },
  { input: [1, 2, 3, 3], outChannels: 2, kernel: [1, 1], options: { stride: 4 } },
  { input: [1, 2, 2, 3], outChannels: 3, kernel: [7, 7], options: { padding: 3 } },
  {
    input: [1, 3, 4, 4],
    outChannels: 4,
    kernel: [2, 3],
    options: { stride: 5, padding: [0, 1], dilation: [1, 4] },
  },
  { input: [2, 9, 10, 13], outChannels: 13, kernel: [4, 4], options: { stride: 2, padding: 1 }, bias: false },
  // 1-channel groups whose 3 row and 3 column taps read consecutive rows and columns (two-row tiles).
  { input: [2, 4, 7, 6], outChannels: 2, kernel: [3, 3], options: { padding: 1, groups: 2 } },
  // Long reductions (two-row tiles), with an odd row count per phase and 4 + 4 + 1 channels.
  { input: [1, 160, 5, 6], outChannels: 9, kernel: [4, 4], options: { stride: 2, padding: 1 } },
];

function inputs(g: Geometry, dtype: 'float32' | 'float64', seed: number) {
  const { input: x, weight: w, bias: b } = layerTensors({ ...g, groups: g.options?.groups }, dtype, seed);
  return { x, w, b };
}

const describeName = (g: Geometry) =>
  `x=[${g.input}] co=${g.outChannels} k=[${g.kernel}] ${JSON.stringify(g.options ?? {})}${g.bias === false ? ' no bias' : ''}`;

describe.each([1, 3])('threads=%i', (threads) => {
  const backend = createBackend({ threads, minParallelFlops: 0 });
  afterAll(async () => (await backend).dispose());

  for (const dtype of ['float32', 'float64'] as const) {
    it.each(geometries.map((g, i) => [describeName(g), g, i] as const))(`${dtype} %s`, async (_, g, i) => {
      const { x, w, b } = inputs(g, dtype, 17 + i);
      const expected = convTranspose2d(x, w, b, g.options);
      const actual = await (await backend).convTranspose2d(x, w, b, g.options);
      expect(actual.shape).toEqual(expected.shape);
      expect(actual.data).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
      // Same sum order as the reference, so the results agree bit for bit.
      expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    });
  }
});
