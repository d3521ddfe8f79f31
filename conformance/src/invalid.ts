import type { ConvTransposeErrorCode, DType } from '@convt/core';
import type { ErrorCall, ErrorCase, TensorSpec } from './cases.js';

// A valid call (input (1, 2, 4, 4), weight (2, 3, 3, 3), bias (3)) that each case breaks in one place.
const INPUT = { shape: [1, 2, 4, 4] };
const WEIGHT = { shape: [2, 3, 3, 3] };
const BIAS = { shape: [3] };

type BackendCall = Extract<ErrorCall, { route: 'backend' }>;
type ModuleCall = Extract<ErrorCall, { route: 'module' }>;

function viaBackend(
  code: ConvTransposeErrorCode,
  what: string,
  over: Partial<Omit<BackendCall, 'route'>>,
): ErrorCase {
  const call: BackendCall = { route: 'backend', input: INPUT, weight: WEIGHT, bias: BIAS, ...over };
  return {
    name: `invalid ${code}: ${what}`,
    kind: 'invalid',
    expects: 'error',
    route: 'backend',
    code,
    call,
    tags: tagsOf(code),
  };
}

function viaModule(code: ConvTransposeErrorCode, what: string, call: Omit<ModuleCall, 'route'>): ErrorCase {
  return {
    name: `module invalid ${code}: ${what}`,
    kind: 'module',
    expects: 'error',
    route: 'module',
    code,
    call: { route: 'module', ...call },
    tags: [...tagsOf(code), 'route=module'],
  };
}

function tagsOf(code: ConvTransposeErrorCode): string[] {
  return ['invalid', `invalid ${code}`];
}

/** Module constructor arguments matching the base call. */
const MODULE_ARGS = [2, 3, 3, {}] as const;

/** One case per validation rule (and per way to break it), through the backend and the module. */
export function invalidCases(): ErrorCase[] {
  return [
    // The tensors themselves.
    viaBackend('INVALID_TENSOR', 'input null', { input: null }),
    viaBackend('INVALID_TENSOR', 'weight data a plain array', { weight: { ...WEIGHT, plain: true } }),
    viaBackend('INVALID_TENSOR', 'bias data a plain array', { bias: { ...BIAS, plain: true } }),
    viaBackend('INVALID_SHAPE', 'input shape [1,2,-4,4]', { input: { shape: [1, 2, -4, 4], length: 32 } }),
    viaBackend('INVALID_SHAPE', 'weight shape [2,3,1.5,3]', {
      weight: { shape: [2, 3, 1.5, 3], length: 27 },
    }),
    viaBackend('DATA_LENGTH_MISMATCH', 'input data one short', { input: { ...INPUT, length: 31 } }),
    viaBackend('DATA_LENGTH_MISMATCH', 'bias data one long', { bias: { ...BIAS, length: 4 } }),
    viaBackend('DTYPE_MISMATCH', 'float64 weight with float32 input', {
      weight: { ...WEIGHT, dtype: 'float64' },
    }),
    viaBackend('DTYPE_MISMATCH', 'float64 bias with float32 input', { bias: { ...BIAS, dtype: 'float64' } }),
    // Options: names and types.
    viaBackend('UNKNOWN_OPTION', 'strides=2', { options: { strides: 2 } }),
    viaBackend('UNKNOWN_OPTION', 'output_padding=1', { options: { output_padding: 1 } }),
    viaBackend('INVALID_OPTION_TYPE', 'options=5', { options: 5 }),
    viaBackend('INVALID_OPTION_TYPE', 'stride=1.5', { options: { stride: 1.5 } }),
    viaBackend('INVALID_OPTION_TYPE', 'padding=[1,1,1]', { options: { padding: [1, 1, 1] } }),
    viaBackend('INVALID_OPTION_TYPE', "groups='1'", { options: { groups: '1' } }),
    viaBackend('INVALID_OPTION_TYPE', "dilation=[1,'2']", { options: { dilation: [1, '2'] } }),
    viaBackend('OUTPUT_SIZE_LENGTH', 'outputSize=[6]', { options: { outputSize: [6] } }),
    viaBackend('OUTPUT_SIZE_LENGTH', 'outputSize=6', { options: { outputSize: 6 } }),
    // Each argument on its own.
    viaBackend('INPUT_RANK', 'input rank 2', { input: { shape: [4, 4] } }),
    viaBackend('INPUT_RANK', 'input rank 5', { input: { shape: [1, 1, 2, 4, 4] } }),
    viaBackend('CHANNELS_RANGE', 'input with 0 channels', {
      input: { shape: [1, 0, 4, 4] },
      weight: { shape: [0, 3, 3, 3] },
    }),
    viaBackend('CHANNELS_RANGE', 'weight with 0 output channels', {
      weight: { shape: [2, 0, 3, 3] },
      bias: null,
    }),
    viaBackend('INPUT_EMPTY', 'input height 0', { input: { shape: [1, 2, 0, 4] } }),
    viaBackend('INPUT_EMPTY', 'unbatched input width 0', { input: { shape: [2, 4, 0] } }),
    viaBackend('WEIGHT_RANK', 'weight rank 3', { weight: { shape: [2, 3, 9] } }),
    viaBackend('KERNEL_SIZE_RANGE', 'kernel height 0', { weight: { shape: [2, 3, 0, 3] } }),
    viaBackend('STRIDE_RANGE', 'stride=0', { options: { stride: 0 } }),
    viaBackend('STRIDE_RANGE', 'stride=[1,-1]', { options: { stride: [1, -1] } }),
    viaBackend('PADDING_RANGE', 'padding=[0,-1]', { options: { padding: [0, -1] } }),
    viaBackend('OUTPUT_PADDING_RANGE', 'outputPadding=-1', { options: { outputPadding: -1 } }),
    viaBackend('DILATION_RANGE', 'dilation=[0,1]', { options: { dilation: [0, 1] } }),
    viaBackend('GROUPS_RANGE', 'groups=0', { options: { groups: 0 } }),
    viaBackend('GROUPS_RANGE', 'groups=-2', { options: { groups: -2 } }),
    // Cross-parameter rules.
    viaBackend('INPUT_CHANNELS_MISMATCH', 'weight for 3 input channels', { weight: { shape: [3, 3, 3, 3] } }),
    viaBackend('INPUT_CHANNELS_MISMATCH', 'unbatched input with 3 channels', { input: { shape: [3, 4, 4] } }),
    viaBackend('IN_CHANNELS_GROUPS', '3 input channels in 2 groups', {
      input: { shape: [1, 3, 4, 4] },
      weight: { shape: [3, 3, 3, 3] },
      bias: { shape: [6] },
      options: { groups: 2 },
    }),
    viaBackend('BIAS_SHAPE', 'bias [2] for 3 output channels', { bias: { shape: [2] } }),
    viaBackend('BIAS_SHAPE', 'bias [3] for 6 output channels in groups=2', {
      weight: { shape: [2, 3, 3, 3] },
      options: { groups: 2 },
      bias: { shape: [3] },
    }),
    viaBackend('BIAS_SHAPE', 'bias rank 2', { bias: { shape: [1, 3] } }),
    viaBackend('OUTPUT_PADDING_RULE', 'outputPadding=2 stride=2 dilation=1', {
      options: { stride: 2, outputPadding: 2 },
    }),
    viaBackend('OUTPUT_PADDING_RULE', 'outputPadding=[0,1] stride=1 dilation=1', {
      options: { outputPadding: [0, 1] },
    }),
    viaBackend('OUTPUT_PADDING_RULE', 'outputPadding=[0,3] stride=[1,2] dilation=[1,3]', {
      options: { stride: [1, 2], dilation: [1, 3], outputPadding: [0, 3] },
    }),
    viaBackend('OUTPUT_SIZE_RANGE', 'outputSize below its minimum', {
      options: { stride: 2, outputSize: [8, 9] },
    }),
    viaBackend('OUTPUT_SIZE_RANGE', 'outputSize above its maximum', {
      options: { stride: 2, outputSize: [9, 11] },
    }),
    viaBackend('OUTPUT_SIZE_RANGE', 'outputSize beyond stride with dilation', {
      options: { dilation: 3, outputSize: [13, 11] },
    }),
    viaBackend('OUTPUT_EMPTY', 'padding=4 crops everything', { options: { padding: 4 } }),
    viaBackend('OUTPUT_EMPTY', 'padding=[0,3] crops every column', { options: { padding: [0, 3] } }),
    // The module: its constructor, parameter assignment, and forward through the backend.
    viaModule('CHANNELS_RANGE', 'inChannels=0', { args: [0, 3, 3, {}] }),
    viaModule('INVALID_OPTION_TYPE', 'outChannels=2.5', { args: [2, 2.5, 3, {}] }),
    viaModule('KERNEL_SIZE_RANGE', 'kernelSize=[3,0]', { args: [2, 3, [3, 0], {}] }),
    viaModule('STRIDE_RANGE', 'stride=0', { args: [2, 3, 3, { stride: 0 }] }),
    viaModule('OUTPUT_PADDING_RULE', 'outputPadding=1 stride=1', { args: [2, 3, 3, { outputPadding: 1 }] }),
    viaModule('IN_CHANNELS_GROUPS', 'inChannels=3 groups=2', { args: [3, 4, 3, { groups: 2 }] }),
    viaModule('OUT_CHANNELS_GROUPS', 'outChannels=3 groups=2', { args: [2, 3, 3, { groups: 2 }] }),
    viaModule('PADDING_MODE', "paddingMode='reflect'", { args: [2, 3, 3, { paddingMode: 'reflect' }] }),
    viaModule('INVALID_DTYPE', "dtype='float16'", { args: [2, 3, 3, { dtype: 'float16' }] }),
    viaModule('UNKNOWN_OPTION', 'outputSize in the constructor', { args: [2, 3, 3, { outputSize: [6, 6] }] }),
    viaModule('PARAMETER_ASSIGNMENT', 'weight of another shape', {
      args: MODULE_ARGS,
      assign: { weight: { shape: [2, 3, 2, 2] } },
    }),
    viaModule('PARAMETER_ASSIGNMENT', 'float64 bias on a float32 module', {
      args: MODULE_ARGS,
      assign: { bias: { shape: [3], dtype: 'float64' } },
    }),
    viaModule('INPUT_CHANNELS_MISMATCH', 'forward input with 3 channels', {
      args: MODULE_ARGS,
      forward: { input: { shape: [1, 3, 4, 4] } },
    }),
    viaModule('INPUT_RANK', 'forward input rank 2', {
      args: MODULE_ARGS,
      forward: { input: { shape: [4, 4] } },
    }),
    viaModule('DTYPE_MISMATCH', 'forward float64 input on a float32 module', {
      args: MODULE_ARGS,
      forward: { input: { ...INPUT, dtype: 'float64' } },
    }),
    viaModule('OUTPUT_SIZE_RANGE', 'forward outputSize above its maximum', {
      args: [2, 3, 3, { stride: 2 }],
      forward: { input: INPUT, outputSize: [11, 11] },
    }),
    viaModule('OUTPUT_EMPTY', 'forward input too small for padding=2', {
      args: [2, 3, 3, { padding: 2 }],
      forward: { input: { shape: [1, 2, 1, 1] } },
    }),
  ];
}

/** A backend without `dtype` must reject it, through each route, with `DTYPE_UNSUPPORTED`. */
export function unsupportedDtypeCases(dtype: DType): ErrorCase[] {
  const t = (shape: number[]): TensorSpec => ({ shape, dtype });
  const backend = (what: string, call: Omit<BackendCall, 'route'>): ErrorCase => ({
    name: `dtype ${dtype} unsupported: ${what}`,
    kind: 'dtype',
    expects: 'error',
    route: 'backend',
    code: 'DTYPE_UNSUPPORTED',
    call: { route: 'backend', ...call },
    tags: [`dtype=${dtype}`, 'invalid DTYPE_UNSUPPORTED'],
  });
  return [
    backend('batched with bias', { input: t([1, 2, 4, 4]), weight: t([2, 3, 3, 3]), bias: t([3]) }),
    backend('unbatched without bias', { input: t([2, 4, 4]), weight: t([2, 3, 3, 3]), bias: null }),
    backend('grouped, strided', {
      input: t([2, 4, 3, 3]),
      weight: t([4, 1, 2, 2]),
      bias: null,
      options: { groups: 4, stride: 2 },
    }),
    {
      name: `module dtype ${dtype} unsupported: forward`,
      kind: 'dtype',
      expects: 'error',
      route: 'module',
      code: 'DTYPE_UNSUPPORTED',
      call: { route: 'module', args: [2, 3, 3, { dtype }], forward: { input: t([1, 2, 4, 4]) } },
      tags: [`dtype=${dtype}`, 'invalid DTYPE_UNSUPPORTED', 'route=module'],
    },
  ];
}
