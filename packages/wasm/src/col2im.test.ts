import { layerTensors } from '@convt/conformance';
import { type ConvTranspose2dOptions, convTranspose2d, resolveConvTranspose2d } from '@convt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col2imTiling } from './col2im.js';
import { Heap } from './heap.js';
import { createBackend, type WasmBackend } from './index.js';
import { ALL_ROWS, copyInputByRows } from './job.js';
import { JOB, JOB_BYTES } from './layout.js';

interface Case {
  readonly input: readonly number[];
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly options?: ConvTranspose2dOptions;
  readonly bias?: boolean;
}

/** Layers with 1-3 output channels per group and at least 8 input channels per group: col2im. */
const CASES: Case[] = [
  // fsrcnn's geometry on a small image: row groups of 18, 27, 27 and 9 rows (partial last blocks).
  {
    input: [1, 12, 10, 11],
    outChannels: 1,
    kernel: [9, 9],
    options: { stride: 3, padding: 4, outputPadding: 2 },
  },
  { input: [2, 16, 9, 7], outChannels: 3, kernel: [4, 4], options: { stride: 2, padding: 1 } },
  {
    input: [1, 8, 6, 13],
    outChannels: 2,
    kernel: [3, 5],
    options: { stride: [1, 2], padding: [2, 1], dilation: [2, 3] },
  },
  {
    input: [3, 24, 5, 6],
    outChannels: 6,
    kernel: [3, 3],
    options: { groups: 2, stride: 2, padding: 1, outputPadding: 1 },
    bias: false,
  },
  {
    input: [1, 27, 7, 5],
    outChannels: 3,
    kernel: [5, 4],
    options: { groups: 3, stride: [3, 2], padding: [0, 3], outputPadding: [2, 1] },
  },
  { input: [2, 9, 4, 4], outChannels: 2, kernel: [1, 1], options: { stride: 4 } },
  {
    input: [10, 5, 17],
    outChannels: 1,
    kernel: [2, 6],
    options: { stride: 1, padding: [1, 2], dilation: [3, 1] },
  },
  {
    input: [1, 8, 3, 3],
    outChannels: 3,
    kernel: [4, 4],
    options: { stride: 2, padding: 1, outputSize: [6, 7] },
  },
  { input: [1, 16, 2, 33], outChannels: 1, kernel: [7, 3], options: { stride: [4, 3], padding: [5, 0] } },
];

function caseTensors(c: Case, seed: number) {
  return layerTensors({ ...c, groups: c.options?.groups }, 'float32', seed);
}

function plan(c: Case) {
  const groups = c.options?.groups ?? 1;
  const inChannels = c.input.length === 4 ? c.input[1]! : c.input[0]!;
  return resolveConvTranspose2d(
    c.input,
    [inChannels, c.outChannels / groups, ...c.kernel],
    [c.outChannels],
    c.options,
  );
}

describe('col2im routing', () => {
  it('takes every case above', () => {
    for (const c of CASES) expect(col2imTiling(plan(c))).not.toBeNull();
  });

  it('leaves 4+ output channels, depthwise layers and huge workspaces to the gather kernels', () => {
    const conv = (input: number[], outChannels: number, k: number, options?: ConvTranspose2dOptions) =>
      col2imTiling(plan({ input, outChannels, kernel: [k, k], options }));
    expect(conv([1, 16, 8, 8], 4, 3)).toBeNull();
    expect(conv([1, 16, 8, 8], 16, 4, { groups: 16, stride: 2 })).toBeNull();
    expect(conv([1, 4, 8, 8], 1, 3)).toBeNull();
    // 7 row groups of 27 rows (7 blocks of 4) x 1400 columns: more than 1 MiB of workspace per thread.
    expect(conv([1, 8, 4, 1400], 3, 9, { padding: 4 })).toBeNull();
    expect(conv([1, 8, 4, 600], 3, 9, { padding: 4 })).not.toBeNull();
  });
});

for (const threads of [1, 2, 3]) {
  describe(`col2im, ${threads} thread(s)`, () => {
    let backend: WasmBackend;
    beforeAll(async () => {
      backend = await createBackend({ threads, minParallelFlops: 0 });
    });
    afterAll(() => backend.dispose());

    CASES.forEach((c, i) => {
      it(`matches the reference: input [${c.input}] -> ${c.outChannels} k=[${c.kernel}] ${JSON.stringify(c.options ?? {})}`, async () => {
        const { input, weight, bias } = caseTensors(c, 200 + i);
        const actual = await backend.convTranspose2d(input, weight, bias, c.options);
        const expected = convTranspose2d(input, weight, bias, c.options);
        expect(actual.shape).toEqual(expected.shape);
        let worst = 0;
        for (let j = 0; j < expected.data.length; j++) {
          worst = Math.max(worst, Math.abs(actual.data[j]! - expected.data[j]!));
        }
        expect(worst).toBeLessThan(1e-4);
      });
    });
  });
}

describe('col2im with non-finite values', () => {
  it.each([Number.POSITIVE_INFINITY, Number.NaN])(
    'gives a %s weight only the outputs whose taps it has, as the reference does',
    async (v) => {
      const backend = await createBackend({ threads: 2, minParallelFlops: 0 });
      const c = CASES[0]!;
      const { input, weight, bias } = caseTensors(c, 400);
      weight.data[0] = v; // kernel row 0: outside the input for the edge rows of one phase
      const actual = await backend.convTranspose2d(input, weight, bias, c.options);
      const expected = convTranspose2d(input, weight, bias, c.options);
      let finite = 0;
      for (let j = 0; j < expected.data.length; j++) {
        const e = expected.data[j]!;
        const a = actual.data[j]!;
        if (Number.isFinite(e)) {
          finite++;
          expect(Math.abs(a - e)).toBeLessThan(1e-4);
        } else expect(a).toBe(e);
      }
      expect(finite).toBeGreaterThan(0);
      await backend.dispose();
    },
  );
});

describe('col2im determinism', () => {
  it('gives bit-identical results for 1, 2 and 3 threads', async () => {
    const outputs: Float32Array[][] = [];
    for (const threads of [1, 2, 3]) {
      const backend = await createBackend({ threads, minParallelFlops: 0 });
      const results: Float32Array[] = [];
      for (const [i, c] of CASES.entries()) {
        const { input, weight, bias } = caseTensors(c, 300 + i);
        results.push((await backend.convTranspose2d(input, weight, bias, c.options)).data as Float32Array);
      }
      outputs.push(results);
      await backend.dispose();
    }
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });
});

describe('copyInputByRows', () => {
  const plan = resolveConvTranspose2d([2, 3, 5, 4], [3, 1, 3, 3], null, { padding: 1 });
  const stride = 24; // spaced planes, as the col2im job lays them out
  const setUp = () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1 }));
    const ptr = heap.alloc(JOB_BYTES);
    const raw = heap.alloc(2 * 3 * stride * 4);
    const job = { ptr, raw, rawPlaneStride: stride, output: 0, outputLength: 0 };
    return { heap, job, ready: heap.i32(ptr + JOB.rowsReady, 1) };
  };

  it('copies every plane into its spaced slot and ends with every row released', () => {
    const { heap, job, ready } = setUp();
    const input = Float32Array.from({ length: 2 * 3 * 20 }, (_, i) => i + 1);
    copyInputByRows(heap, job, input, plan);
    const raw = heap.f32(job.raw, 2 * 3 * stride);
    for (let p = 0; p < 6; p++) {
      expect(Array.from(raw.subarray(p * stride, p * stride + 20))).toEqual(
        Array.from(input.subarray(p * 20, (p + 1) * 20)),
      );
    }
    expect(ready[0]).toBe(ALL_ROWS);
  });

  it('releases every row even when the copy fails, so that no worker waits forever', () => {
    const { heap, job, ready } = setUp();
    const failing = {
      subarray: () => {
        throw new Error('copy failed');
      },
    } as unknown as Float32Array;
    expect(() => copyInputByRows(heap, job, failing, plan)).toThrow('copy failed');
    expect(ready[0]).toBe(ALL_ROWS);
  });
});
