import { describe, expect, it } from 'vitest';
import { checkBackendOptions } from './backend.js';
import { planCall } from './call.js';
import { ConvTransposeError, type ConvTransposeErrorCode } from './errors.js';
import type { ConvTranspose2dOptions } from './options.js';
import { convTranspose2d } from './reference.js';
import { type Tensor, tensor } from './tensor.js';

const zeros = (shape: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor =>
  tensor(new Array(shape.reduce((a, b) => a * b, 1)).fill(0), shape, dtype);

function expectError(
  fn: () => unknown,
  code: ConvTransposeErrorCode,
  parameter: string,
  message: string,
): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConvTransposeError);
  const e = caught as ConvTransposeError;
  expect(e.code).toBe(code);
  expect(e.parameter).toBe(parameter);
  expect(e.message).toContain(message);
  expect(e.message).toContain(`[${code}]`);
}

/** One case per rule, in the order of the validation steps. */
const callCases: Array<{
  code: ConvTransposeErrorCode;
  parameter: string;
  message: string;
  input?: number[];
  weight?: number[];
  bias?: number[];
  options?: unknown;
}> = [
  {
    code: 'UNKNOWN_OPTION',
    parameter: 'strides',
    message: 'strides=2 is not an option',
    options: { strides: 2 },
  },
  { code: 'INVALID_OPTION_TYPE', parameter: 'options', message: 'must be an object', options: 5 },
  {
    code: 'INVALID_OPTION_TYPE',
    parameter: 'stride',
    message: 'stride=1.5 must be an integer',
    options: { stride: 1.5 },
  },
  {
    code: 'INVALID_OPTION_TYPE',
    parameter: 'padding[1]',
    message: 'padding[1]=NaN must be an integer',
    options: { padding: [0, Number.NaN] },
  },
  {
    code: 'INVALID_OPTION_TYPE',
    parameter: 'dilation',
    message: 'dilation="2" must be an integer',
    options: { dilation: '2' },
  },
  {
    code: 'INVALID_OPTION_TYPE',
    parameter: 'stride',
    message: 'an [h, w] pair',
    options: { stride: [1, 2, 3] },
  },
  {
    code: 'INVALID_OPTION_TYPE',
    parameter: 'groups',
    message: 'groups=1.5 must be an integer',
    options: { groups: 1.5 },
  },
  {
    code: 'OUTPUT_SIZE_LENGTH',
    parameter: 'outputSize',
    message: 'outputSize=[5] must be an [H, W] pair',
    options: { outputSize: [5] },
  },
  {
    code: 'INPUT_RANK',
    parameter: 'input.shape',
    message: 'input.shape=[1, 1, 1, 2, 2] must have rank 4',
    input: [1, 1, 1, 2, 2],
  },
  { code: 'INPUT_RANK', parameter: 'input.shape', message: 'rank 3 (C, H, W)', input: [2, 2] },
  {
    code: 'CHANNELS_RANGE',
    parameter: 'input.shape',
    message: 'at least 1 channel',
    input: [1, 0, 2, 2],
    weight: [0, 1, 2, 2],
  },
  {
    code: 'INPUT_EMPTY',
    parameter: 'input.shape',
    message: 'input.shape=[1, 1, 0, 2] must have height and width >= 1',
    input: [1, 1, 0, 2],
  },
  {
    code: 'WEIGHT_RANK',
    parameter: 'weight.shape',
    message: 'weight.shape=[1, 1, 2] must have rank 4',
    weight: [1, 1, 2],
  },
  {
    code: 'KERNEL_SIZE_RANGE',
    parameter: 'weight.shape',
    message: 'kernel height and width >= 1',
    weight: [1, 1, 0, 2],
  },
  {
    code: 'CHANNELS_RANGE',
    parameter: 'weight.shape[1]',
    message: 'weight.shape[1]=0 must be >= 1',
    weight: [1, 0, 2, 2],
  },
  {
    code: 'STRIDE_RANGE',
    parameter: 'stride[1]',
    message: 'stride[1]=0 must be >= 1',
    options: { stride: [1, 0] },
  },
  {
    code: 'PADDING_RANGE',
    parameter: 'padding[0]',
    message: 'padding[0]=-1 must be >= 0',
    options: { padding: -1 },
  },
  {
    code: 'OUTPUT_PADDING_RANGE',
    parameter: 'outputPadding[0]',
    message: 'outputPadding[0]=-1 must be >= 0',
    options: { outputPadding: [-1, 0] },
  },
  {
    code: 'DILATION_RANGE',
    parameter: 'dilation[0]',
    message: 'dilation[0]=0 must be >= 1',
    options: { dilation: 0 },
  },
  { code: 'GROUPS_RANGE', parameter: 'groups', message: 'groups=0 must be >= 1', options: { groups: 0 } },
  {
    code: 'INPUT_CHANNELS_MISMATCH',
    parameter: 'weight.shape[0]',
    message: "weight.shape[0]=3 must equal the input's channels 2",
    input: [1, 2, 3, 3],
    weight: [3, 1, 2, 2],
  },
  {
    code: 'IN_CHANNELS_GROUPS',
    parameter: 'groups',
    message: "groups=2 must divide the input's channels 3",
    input: [1, 3, 3, 3],
    weight: [3, 1, 2, 2],
    options: { groups: 2 },
  },
  {
    code: 'BIAS_SHAPE',
    parameter: 'bias.shape',
    message: 'bias.shape=[3] must be [4] (outChannels)',
    input: [1, 2, 3, 3],
    weight: [2, 2, 2, 2],
    bias: [3],
    options: { groups: 2 },
  },
  { code: 'BIAS_SHAPE', parameter: 'bias.shape', message: 'must be [1]', bias: [1, 1] },
  {
    code: 'OUTPUT_PADDING_RULE',
    parameter: 'outputPadding[1]',
    message: 'outputPadding[1]=2 must be smaller than stride[1]=2 or dilation[1]=1',
    options: { stride: 2, outputPadding: [1, 2] },
  },
  {
    code: 'OUTPUT_PADDING_RULE',
    parameter: 'outputPadding[0]',
    message: 'outputPadding[0]=3 must be smaller than stride[0]=1 or dilation[0]=3',
    options: { dilation: 3, outputPadding: 3 },
  },
  {
    code: 'OUTPUT_SIZE_RANGE',
    parameter: 'outputSize[0]',
    message: 'outputSize[0]=5 must lie in [6, 7]',
    input: [1, 1, 3, 3],
    options: { stride: 2, outputSize: [5, 6] },
  },
  {
    code: 'OUTPUT_SIZE_RANGE',
    parameter: 'outputSize[1]',
    message: 'outputSize[1]=8 must lie in [6, 7]',
    input: [1, 1, 3, 3],
    options: { stride: 2, outputSize: [6, 8] },
  },
  {
    code: 'OUTPUT_EMPTY',
    parameter: 'outHeight',
    message: 'outHeight=-1 must be >= 1',
    input: [1, 1, 2, 2],
    options: { padding: [2, 0] },
  },
  {
    code: 'OUTPUT_EMPTY',
    parameter: 'outWidth',
    message: 'outWidth=0 must be >= 1',
    input: [1, 1, 2, 2],
    options: { padding: [0, 1], dilation: 1, stride: 1 },
    weight: [1, 1, 1, 1],
  },
];

describe('validation steps', () => {
  for (const c of callCases) {
    it(`${c.code}: ${c.message}`, () => {
      const input = zeros(c.input ?? [1, 1, 3, 3]);
      const weight = zeros(c.weight ?? [1, 1, 2, 2]);
      const bias = c.bias ? zeros(c.bias) : null;
      expectError(
        () => convTranspose2d(input, weight, bias, c.options as ConvTranspose2dOptions),
        c.code,
        c.parameter,
        c.message,
      );
    });
  }

  it('rejects malformed tensors', () => {
    const w = zeros([1, 1, 2, 2]);
    expectError(
      () => convTranspose2d(null as unknown as Tensor, w),
      'INVALID_TENSOR',
      'input',
      'must be a Tensor',
    );
    expectError(
      () => convTranspose2d({ shape: [1, 1, 2, 2], data: [0, 0, 0, 0] } as unknown as Tensor, w),
      'INVALID_TENSOR',
      'input.data',
      'must be a Float32Array or a Float64Array',
    );
    expectError(
      () => convTranspose2d({ shape: [1, 1, 2, 2], data: new Float32Array(3) }, w),
      'DATA_LENGTH_MISMATCH',
      'input.data.length',
      'input.data.length=3 must equal the product of input.shape [1,1,2,2] = 4',
    );
    expectError(
      () => convTranspose2d({ shape: [1, 1, 2, -2], data: new Float32Array(0) }, w),
      'INVALID_SHAPE',
      'input.shape[3]',
      'must be a non-negative integer',
    );
  });

  it('requires one dtype across input, weight and bias', () => {
    const x = zeros([1, 1, 2, 2]);
    expectError(
      () => convTranspose2d(x, zeros([1, 1, 2, 2], 'float64')),
      'DTYPE_MISMATCH',
      'weight.dtype',
      'weight.dtype="float64" must equal input.dtype \'float32\'',
    );
    expectError(
      () => convTranspose2d(x, zeros([1, 1, 2, 2]), zeros([1], 'float64')),
      'DTYPE_MISMATCH',
      'bias.dtype',
      'must equal input.dtype',
    );
  });

  it('lets a backend reject a dtype it cannot compute', () => {
    const x = zeros([1, 1, 2, 2], 'float64');
    expectError(
      () => planCall(x, zeros([1, 1, 2, 2], 'float64'), null, {}, ['float32'], 'gpujs'),
      'DTYPE_UNSUPPORTED',
      'input.dtype',
      'is not supported by the gpujs backend, which computes float32 only',
    );
  });

  it('accepts an empty batch, as PyTorch does', () => {
    const out = convTranspose2d(zeros([0, 2, 3, 3]), zeros([2, 1, 2, 2]), null, { stride: 2 });
    expect(out.shape).toEqual([0, 1, 6, 6]);
    expect(out.data.length).toBe(0);
  });
});

describe('tensor()', () => {
  it('copies data into the requested dtype', () => {
    const source = [1, 2, 3, 4, 5, 6];
    const t = tensor(source, [2, 3], 'float64');
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data)).toEqual(source);
    expect(tensor(new Float64Array(2), [2]).data).toBeInstanceOf(Float64Array);
    expect(tensor([1, 2], [2]).data).toBeInstanceOf(Float32Array);
  });

  it('rejects a data length that does not match the shape', () => {
    expectError(
      () => tensor([1, 2, 3], [2, 2]),
      'DATA_LENGTH_MISMATCH',
      'data.length',
      'data.length=3 must equal the product of shape [2,2] = 4',
    );
  });

  it('rejects negative and non-integer dimensions', () => {
    expectError(
      () => tensor([], [2, -1]),
      'INVALID_SHAPE',
      'shape[1]',
      'shape[1]=-1 must be a non-negative integer',
    );
    expectError(
      () => tensor([1], [1.5]),
      'INVALID_SHAPE',
      'shape[0]',
      'shape[0]=1.5 must be a non-negative integer',
    );
    expectError(
      () => tensor([1], 3 as unknown as number[]),
      'INVALID_SHAPE',
      'shape',
      'must be an array of integers',
    );
  });

  it('rejects unknown dtypes and non-array data', () => {
    expectError(
      () => tensor([1], [1], 'int8' as 'float32'),
      'INVALID_DTYPE',
      'dtype',
      "must be 'float32' or 'float64'",
    );
    expectError(
      () => tensor(null as unknown as number[], [1]),
      'INVALID_TENSOR',
      'data',
      'must be an array-like of numbers',
    );
  });
});

describe('checkBackendOptions', () => {
  it('accepts valid and absent options', () => {
    expect(() => checkBackendOptions({})).not.toThrow();
    expect(() =>
      checkBackendOptions({ threads: 2, minParallelFlops: 0, weightCacheBytes: 1e6 }),
    ).not.toThrow();
  });

  it.each([
    [{ threads: 0 }, 'threads', 'must be an integer >= 1'],
    [{ threads: 1.5 }, 'threads', 'must be an integer >= 1'],
    [{ threads: Number.NaN }, 'threads', 'must be an integer >= 1'],
    [{ minParallelFlops: -1 }, 'minParallelFlops', 'must be a number >= 0'],
    [{ minParallelFlops: Number.NaN }, 'minParallelFlops', 'must be a number >= 0'],
    [{ weightCacheBytes: -1 }, 'weightCacheBytes', 'must be a number >= 0'],
    [{ weightCacheBytes: '1' as unknown as number }, 'weightCacheBytes', 'must be a number >= 0'],
  ])('rejects %j, naming %s and the rule', (options, parameter, rule) => {
    let error: unknown;
    try {
      checkBackendOptions(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvTransposeError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION_TYPE', parameter, rule });
  });
});
