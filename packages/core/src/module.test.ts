import { describe, expect, it } from 'vitest';
import { type Backend, referenceBackend } from './backend.js';
import { ConvTransposeError } from './errors.js';
import { ConvTranspose2d, initScale } from './module.js';
import { convTranspose2d } from './reference.js';
import { tensor } from './tensor.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConvTransposeError);
    return (error as ConvTransposeError).code;
  }
  return undefined;
}

describe('ConvTranspose2d initialisation', () => {
  it('has the shapes of mint.nn.ConvTranspose2d', () => {
    const m = new ConvTranspose2d(6, 4, [3, 2], { groups: 2, seed: 1 });
    expect(m.weight.shape).toEqual([6, 2, 3, 2]);
    expect(m.bias?.shape).toEqual([4]);
    expect(m.weight.data).toBeInstanceOf(Float32Array);
    expect(new ConvTranspose2d(2, 2, 1, { bias: false }).bias).toBeNull();
    expect(new ConvTranspose2d(2, 2, 1, { dtype: 'float64' }).weight.data).toBeInstanceOf(Float64Array);
  });

  it('draws from U(-sqrt(k), sqrt(k)) with k = groups / (outChannels * kH * kW)', () => {
    expect(initScale(8, [3, 2], 4)).toBe(4 / (8 * 3 * 2));
    const m = new ConvTranspose2d(64, 8, [3, 2], { groups: 4, seed: 7, dtype: 'float64' });
    const bound = Math.sqrt(4 / (8 * 3 * 2));
    const w = Array.from(m.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThan(bound);
    // The sample fills the interval: extremes near ±bound, mean near 0, variance near bound²/3.
    expect(Math.max(...w)).toBeGreaterThan(0.95 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.95 * bound);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.1 * bound);
    expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.85);
    expect(variance / ((bound * bound) / 3)).toBeLessThan(1.15);
    const b = Array.from(m.bias!.data);
    expect(Math.max(...b.map(Math.abs))).toBeLessThan(bound);
  });

  it('is reproducible by seed and differs across seeds', () => {
    const a = new ConvTranspose2d(3, 4, 3, { seed: 42 });
    const b = new ConvTranspose2d(3, 4, 3, { seed: 42 });
    const c = new ConvTranspose2d(3, 4, 3, { seed: 43 });
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    expect(Array.from(a.weight.data)).not.toEqual(Array.from(c.weight.data));
  });

  it('gives the same numbers on every platform for a seed', () => {
    // Pinned values: the generator uses 32-bit integer arithmetic only.
    const m = new ConvTranspose2d(1, 1, 2, { seed: 1, dtype: 'float64' });
    expect(Array.from(m.weight.data)).toMatchInlineSnapshot(`
      [
        -0.07435006804450073,
        0.19101481530153952,
        0.46594089228128477,
        0.25076006248102745,
      ]
    `);
  });
});

describe('ConvTranspose2d forward', () => {
  it('matches the functional form, with outputSize replacing outputPadding', async () => {
    const m = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, seed: 3 });
    const x = tensor(
      Array.from({ length: 2 * 2 * 4 * 4 }, (_, i) => Math.sin(i)),
      [2, 2, 4, 4],
    );
    const out = await m.forward(x);
    expect(out.shape).toEqual([2, 3, 8, 8]);
    expect(Array.from(out.data)).toEqual(Array.from(convTranspose2d(x, m.weight, m.bias, m.options).data));
    const sized = await m.forward(x, [7, 8]);
    expect(sized.shape).toEqual([2, 3, 7, 8]);
  });

  it('runs on the backend it is given', async () => {
    const calls: string[] = [];
    const spy: Backend = {
      ...referenceBackend,
      name: 'spy',
      convTranspose2d: async (...args) => {
        calls.push('called');
        return referenceBackend.convTranspose2d(...args);
      },
    };
    const m = new ConvTranspose2d(1, 1, 2, { backend: spy });
    await m.forward(tensor([1, 2, 3, 4], [1, 2, 2]));
    expect(calls).toEqual(['called']);
  });

  it('rejects invalid input through the promise', async () => {
    const m = new ConvTranspose2d(2, 2, 2);
    await expect(m.forward(tensor([1, 2, 3, 4], [1, 1, 2, 2]))).rejects.toMatchObject({
      code: 'INPUT_CHANNELS_MISMATCH',
    });
    await expect(m.forward(tensor(new Array(8).fill(0), [1, 2, 2, 2]), [9, 9])).rejects.toMatchObject({
      code: 'OUTPUT_SIZE_RANGE',
    });
    await expect(m.forward(tensor(new Array(8).fill(0), [1, 2, 2, 2], 'float64'))).rejects.toMatchObject({
      code: 'DTYPE_MISMATCH',
    });
  });
});

describe('ConvTranspose2d parameters', () => {
  it('accepts weights of the right shape and dtype, e.g. exported from PyTorch', async () => {
    const m = new ConvTranspose2d(1, 1, 2, { bias: false });
    m.weight = tensor([1, 0, 0, 1], [1, 1, 2, 2]);
    m.bias = tensor([0.5], [1]);
    const out = await m.forward(tensor([1, 2, 3, 4], [1, 1, 2, 2]));
    expect(Array.from(out.data)).toEqual([1.5, 2.5, 0.5, 3.5, 5.5, 2.5, 0.5, 3.5, 4.5]);
    m.bias = null;
    expect(m.bias).toBeNull();
  });

  it('rejects parameters of another shape or dtype', () => {
    const m = new ConvTranspose2d(4, 6, [3, 2], { groups: 2 });
    expect(codeOf(() => (m.weight = tensor(new Array(72).fill(0), [4, 6, 3, 1])))).toBe(
      'PARAMETER_ASSIGNMENT',
    );
    expect(codeOf(() => (m.weight = tensor(new Array(72).fill(0), [4, 3, 3, 2], 'float64')))).toBe(
      'PARAMETER_ASSIGNMENT',
    );
    expect(codeOf(() => (m.bias = tensor([1, 2, 3], [3])))).toBe('PARAMETER_ASSIGNMENT');
    expect(codeOf(() => (m.bias = { shape: [6], data: [1, 2, 3, 4, 5, 6] } as never))).toBe('INVALID_TENSOR');
  });
});

describe('ConvTranspose2d constructor validation', () => {
  const cases: Array<[string, () => unknown, string]> = [
    [
      'outChannels not divisible by groups',
      () => new ConvTranspose2d(4, 6, 3, { groups: 4 }),
      'OUT_CHANNELS_GROUPS',
    ],
    [
      'inChannels not divisible by groups',
      () => new ConvTranspose2d(3, 6, 3, { groups: 2 }),
      'IN_CHANNELS_GROUPS',
    ],
    [
      'paddingMode reflect',
      () => new ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' as 'zeros' }),
      'PADDING_MODE',
    ],
    ['dtype int32', () => new ConvTranspose2d(1, 1, 3, { dtype: 'int32' as 'float32' }), 'INVALID_DTYPE'],
    ['kernel 0', () => new ConvTranspose2d(1, 1, [3, 0]), 'KERNEL_SIZE_RANGE'],
    ['kernel 2.5', () => new ConvTranspose2d(1, 1, 2.5), 'INVALID_OPTION_TYPE'],
    ['inChannels 0', () => new ConvTranspose2d(0, 1, 3), 'CHANNELS_RANGE'],
    ['outChannels 1.5', () => new ConvTranspose2d(1, 1.5, 3), 'INVALID_OPTION_TYPE'],
    ['stride 0', () => new ConvTranspose2d(1, 1, 3, { stride: 0 }), 'STRIDE_RANGE'],
    [
      'output padding too large',
      () => new ConvTranspose2d(1, 1, 3, { stride: 2, outputPadding: 2 }),
      'OUTPUT_PADDING_RULE',
    ],
    [
      'outputSize in the constructor',
      () => new ConvTranspose2d(1, 1, 3, { outputSize: [4, 4] } as never),
      'UNKNOWN_OPTION',
    ],
    ['misspelt option', () => new ConvTranspose2d(1, 1, 3, { dilations: 2 } as never), 'UNKNOWN_OPTION'],
    [
      'bias not boolean',
      () => new ConvTranspose2d(1, 1, 3, { bias: 1 as unknown as boolean }),
      'INVALID_OPTION_TYPE',
    ],
    ['seed NaN', () => new ConvTranspose2d(1, 1, 3, { seed: Number.NaN }), 'INVALID_OPTION_TYPE'],
    [
      'backend without convTranspose2d',
      () => new ConvTranspose2d(1, 1, 3, { backend: {} as Backend }),
      'INVALID_OPTION_TYPE',
    ],
  ];
  for (const [name, fn, code] of cases) {
    it(`${name} -> ${code}`, () => expect(codeOf(fn)).toBe(code));
  }
});
