import { layerTensors } from '@convt/conformance';
import { type ConvTranspose2dOptions, convTranspose2d, resolveConvTranspose2d } from '@convt/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './index.js';
import { takesPanels } from './kernel.js';
import { PANEL_INDEX_LIMIT } from './panel.js';
import { planWinograd } from './winograd-plan.js';
import { planWork } from './work.js';

interface Layer {
  input: number[];
  outChannels: number;
  kernel: [number, number];
  options: ConvTranspose2dOptions;
  bias?: boolean;
}

/**
 * Layers whose full 4-channel blocks take panels: 1-tap phases sharing their panels (k2 s2, odd
 * sizes), phases of 1 and 2 taps, batches, groups, short last blocks (2 and 3 channels), no bias,
 * phase rows that are not a multiple of 4 columns, rows longer than one panel, dilation, blocks whose
 * weights take several groups (16 pairs of 300 entries: 3 blocks' weights fill the 512 KiB a group may
 * span), and a float64 layer with enough channels that the float32 one would take the Winograd path.
 */
const layers: Layer[] = [
  { input: [1, 12, 5, 7], outChannels: 12, kernel: [2, 2], options: { stride: 2 } },
  { input: [3, 9, 6, 5], outChannels: 10, kernel: [2, 2], options: { stride: 2 }, bias: false },
  {
    input: [1, 16, 7, 9],
    outChannels: 11,
    kernel: [3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1 },
  },
  { input: [2, 16, 5, 6], outChannels: 24, kernel: [3, 3], options: { stride: 2, padding: 1, groups: 2 } },
  { input: [1, 60, 3, 37], outChannels: 8, kernel: [3, 3], options: { padding: 1 } },
  { input: [1, 8, 6, 7], outChannels: 9, kernel: [3, 3], options: { padding: 2, dilation: 2 } },
  { input: [2, 6, 4, 5], outChannels: 8, kernel: [3, 2], options: { stride: [1, 3], padding: [1, 0] } },
  { input: [1, 300, 3, 2], outChannels: 16, kernel: [4, 4], options: { stride: 4 } },
  { input: [1, 48, 5, 7], outChannels: 48, kernel: [4, 4], options: { stride: 2, padding: 1 } },
];

const name = (l: Layer) =>
  `x=[${l.input}] co=${l.outChannels} k=[${l.kernel}] ${JSON.stringify(l.options)}${l.bias === false ? ' no bias' : ''}`;

describe('panels', () => {
  const plan = (l: Layer) =>
    resolveConvTranspose2d(
      l.input,
      [l.input[1]!, l.outChannels / (l.options.groups ?? 1), ...l.kernel],
      null,
      l.options,
    );

  it.each(layers.map((l) => [name(l), l] as const))('are taken by %s', (_, l) => {
    expect(takesPanels(planWork(plan(l), 1))).toBe(true);
  });

  it.each([
    ['1 full block', { input: [1, 8, 6, 6], outChannels: 7, kernel: [3, 3], options: { padding: 1 } }],
    [
      'long tables',
      { input: [1, 256, 3, 3], outChannels: 16, kernel: [4, 4], options: { stride: 2, padding: 1 } },
    ],
  ] as [string, Layer][])('are not taken with %s', (_, l) => {
    expect(takesPanels(planWork(plan(l), 1))).toBe(false);
  });

  it('are not taken when the packed weights reach the tile index bound', () => {
    // k4 s4: 16 pairs of 600 entries per output channel; 2^17 channels make 1.3e9 packed doubles.
    const layer = (outChannels: number): Layer => ({
      input: [1, 600, 2, 2],
      outChannels,
      kernel: [4, 4],
      options: { stride: 4 },
    });
    const below = planWork(plan(layer(2 ** 16)), 1);
    expect(below.layout.length).toBeLessThan(PANEL_INDEX_LIMIT);
    expect(takesPanels(below)).toBe(true);
    const past = planWork(plan(layer(2 ** 17)), 1);
    expect(past.layout.length).toBeGreaterThanOrEqual(PANEL_INDEX_LIMIT);
    expect(takesPanels(past)).toBe(false);
  });

  const backends = Promise.all([1, 2, 3].map((threads) => createBackend({ threads, minParallelFlops: 0 })));
  afterAll(async () => Promise.all((await backends).map((b) => b.dispose())));

  for (const dtype of ['float32', 'float64'] as const) {
    // float32 layers that qualify for the Winograd path take it instead (rounded differently).
    const direct = layers.filter((l) => dtype === 'float64' || planWinograd(plan(l), 1) === null);
    it.each(direct.map((l, i) => [name(l), l, i] as const))(
      `${dtype} %s: bit-identical to the reference for 1, 2 and 3 threads`,
      async (_, l, i) => {
        const {
          input: x,
          weight: w,
          bias: b,
        } = layerTensors({ ...l, groups: l.options.groups }, dtype, 31 + i);
        const expected = Array.from(convTranspose2d(x, w, b, l.options).data);
        for (const backend of await backends) {
          expect(Array.from((await backend.convTranspose2d(x, w, b, l.options)).data)).toEqual(expected);
        }
      },
    );
  }

  it('leave blocks with a non-finite weight to exact mode', async () => {
    const l = layers[2]!;
    const { input: x, weight: w, bias: b } = layerTensors(l, 'float64', 3);
    expect(takesPanels(planWork(plan(l), 1))).toBe(true);
    w.data[5] = Number.POSITIVE_INFINITY;
    const expected = Array.from(convTranspose2d(x, w, b, l.options).data);
    for (const backend of await backends) {
      expect(Array.from((await backend.convTranspose2d(x, w, b, l.options)).data)).toEqual(expected);
    }
  });
});
