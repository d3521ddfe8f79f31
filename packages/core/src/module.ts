import { type Backend, referenceBackend } from './backend.js';
import { fail } from './errors.js';
import {
  type ConvTranspose2dOptions,
  checkOptionRanges,
  checkOutputPadding,
  type NormalizedOptions,
  normalizeOptions,
  type Pair,
} from './options.js';
import { Random } from './random.js';
import { allocate, checkTensor, DTYPES, type DType, dtypeOf, type Tensor } from './tensor.js';

export interface ConvTranspose2dModuleOptions extends Omit<ConvTranspose2dOptions, 'outputSize'> {
  /** Learnable bias; default true. */
  bias?: boolean;
  /** Only `'zeros'` exists for transposed convolution. */
  paddingMode?: 'zeros';
  /** Default `'float32'`. */
  dtype?: DType;
  /** Seed for reproducible initialisation; the same seed gives the same parameters everywhere. */
  seed?: number;
  /** Where `forward` computes; default: the reference backend. */
  backend?: Backend;
}

/**
 * `mint.nn.ConvTranspose2d` / `torch.nn.ConvTranspose2d` as a module: owns its weight and bias and
 * runs them on a backend.
 */
export class ConvTranspose2d {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly outputPadding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly paddingMode = 'zeros' as const;
  readonly dtype: DType;
  backend: Backend;
  #weight: Tensor;
  #bias: Tensor | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dModuleOptions = {},
  ) {
    if (options == null || typeof options !== 'object') {
      fail('INVALID_OPTION_TYPE', 'options', options, 'must be an object');
    }
    const { bias = true, paddingMode = 'zeros', dtype = 'float32', seed, backend, ...convOptions } = options;
    if ('outputSize' in convOptions) {
      fail(
        'UNKNOWN_OPTION',
        'outputSize',
        (convOptions as ConvTranspose2dOptions).outputSize,
        'is given to forward(input, outputSize), not to the constructor',
      );
    }
    checkPositiveInteger(inChannels, 'inChannels');
    checkPositiveInteger(outChannels, 'outChannels');
    const kernel = normalizeKernelSize(kernelSize);
    const o: NormalizedOptions = normalizeOptions(convOptions);
    checkOptionRanges(o);
    checkOutputPadding(o.outputPadding, o);
    if (inChannels % o.groups !== 0) {
      fail('IN_CHANNELS_GROUPS', 'groups', o.groups, `must divide inChannels=${inChannels}`);
    }
    if (outChannels % o.groups !== 0) {
      fail('OUT_CHANNELS_GROUPS', 'groups', o.groups, `must divide outChannels=${outChannels}`);
    }
    if (paddingMode !== 'zeros') {
      fail(
        'PADDING_MODE',
        'paddingMode',
        paddingMode,
        "must be 'zeros' (the only mode of transposed convolution)",
      );
    }
    if (!DTYPES.includes(dtype)) fail('INVALID_DTYPE', 'dtype', dtype, "must be 'float32' or 'float64'");
    if (typeof bias !== 'boolean') fail('INVALID_OPTION_TYPE', 'bias', bias, 'must be a boolean');
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
      fail('INVALID_OPTION_TYPE', 'seed', seed, 'must be a finite number');
    }
    if (backend !== undefined && (backend == null || typeof backend.convTranspose2d !== 'function')) {
      fail('INVALID_OPTION_TYPE', 'backend', backend, 'must be a Backend (an object with convTranspose2d)');
    }

    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel;
    this.stride = o.stride;
    this.padding = o.padding;
    this.outputPadding = o.outputPadding;
    this.dilation = o.dilation;
    this.groups = o.groups;
    this.dtype = dtype;
    this.backend = backend ?? referenceBackend;

    // PyTorch: kaiming_uniform_(a=sqrt(5)) and the bias bound both reduce to U(-sqrt(k), sqrt(k)),
    // k = groups / (outChannels * kH * kW) = 1 / fan_in of the (Cin, Cout/groups, kH, kW) weight.
    const bound = Math.sqrt(initScale(outChannels, kernel, o.groups));
    const random = new Random(seed ?? Math.floor(Math.random() * 2 ** 32));
    this.#weight = {
      shape: [inChannels, outChannels / o.groups, kernel[0], kernel[1]],
      data: allocate(dtype, inChannels * (outChannels / o.groups) * kernel[0] * kernel[1]),
    };
    random.fill(this.#weight.data, -bound, bound);
    this.#bias = null;
    if (bias) {
      this.#bias = { shape: [outChannels], data: allocate(dtype, outChannels) };
      random.fill(this.#bias.data, -bound, bound);
    }
  }

  get weight(): Tensor {
    return this.#weight;
  }

  /** Replaces the weight, e.g. with one exported from PyTorch; shape and dtype must match. */
  set weight(value: Tensor) {
    this.#checkParameter(value, 'weight', [
      this.inChannels,
      this.outChannels / this.groups,
      ...this.kernelSize,
    ]);
    this.#weight = value;
  }

  get bias(): Tensor | null {
    return this.#bias;
  }

  /** Replaces the bias (`null` removes it); shape and dtype must match. */
  set bias(value: Tensor | null) {
    if (value !== null) this.#checkParameter(value, 'bias', [this.outChannels]);
    this.#bias = value;
  }

  /** Options in the functional form, for `convTranspose2d` or a backend. */
  get options(): ConvTranspose2dOptions {
    return {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    };
  }

  /** `outputSize` `[H, W]` replaces `outputPadding` for this call (PyTorch's `output_size`). */
  forward(input: Tensor, outputSize?: readonly [number, number]): Promise<Tensor> {
    try {
      const options = outputSize === undefined ? this.options : { ...this.options, outputSize };
      return this.backend.convTranspose2d(input, this.#weight, this.#bias, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #checkParameter(value: Tensor, name: string, shape: readonly number[]): void {
    checkTensor(value, name);
    const same = value.shape.length === shape.length && value.shape.every((d, i) => d === shape[i]);
    if (!same) {
      fail('PARAMETER_ASSIGNMENT', `${name}.shape`, value.shape, `must be [${shape}] for this module`);
    }
    if (dtypeOf(value) !== this.dtype) {
      fail(
        'PARAMETER_ASSIGNMENT',
        `${name}.dtype`,
        dtypeOf(value),
        `must be '${this.dtype}' (the module's dtype)`,
      );
    }
  }
}

/** `k` of PyTorch's initialisation: `groups / (outChannels * kH * kW)`. */
export function initScale(outChannels: number, kernel: readonly [number, number], groups: number): number {
  return groups / (outChannels * kernel[0] * kernel[1]);
}

function checkPositiveInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail('INVALID_OPTION_TYPE', name, value, 'must be an integer');
  if (value < 1) fail('CHANNELS_RANGE', name, value, 'must be >= 1');
}

function normalizeKernelSize(kernelSize: Pair): readonly [number, number] {
  const pair = Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize];
  if (pair.length !== 2) {
    fail('INVALID_OPTION_TYPE', 'kernelSize', kernelSize, 'must be an integer or an [h, w] pair of integers');
  }
  pair.forEach((k, i) => {
    if (typeof k !== 'number' || !Number.isInteger(k)) {
      fail('INVALID_OPTION_TYPE', `kernelSize[${i}]`, k, 'must be an integer');
    }
    if (k < 1) fail('KERNEL_SIZE_RANGE', `kernelSize[${i}]`, k, 'must be >= 1');
  });
  return [pair[0]!, pair[1]!];
}
