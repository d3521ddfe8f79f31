import type { ConvTranspose2dOptions, ConvTransposeErrorCode, DType } from '@convt/core';

export type Pair2 = readonly [number, number];

/** The parameters of one computing case, in the words of `torch.nn.ConvTranspose2d`. */
export interface ConvParams {
  /** Batch size; `null` for unbatched `(C, H, W)` input. */
  readonly batch: number | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly inputSize: Pair2;
  readonly kernelSize: Pair2;
  readonly stride: Pair2;
  readonly padding: Pair2;
  readonly outputPadding: Pair2;
  readonly dilation: Pair2;
  readonly bias: boolean;
  /** Pass `outputSize` (the size that `outputPadding` gives) instead of `outputPadding`. */
  readonly outputSize?: 'min' | 'max';
  /** Depthwise: one input channel per group (`groups === inChannels`). */
  readonly depthwise?: boolean;
}

/** How the case reaches the backend: its `convTranspose2d`, or a `ConvTranspose2d` module on it. */
export type Route = 'backend' | 'module';

/** What the runner groups results by: a plain sweep case, a corner, a dtype or a module case. */
export type CaseKind = 'valid' | 'corner' | 'dtype' | 'module' | 'invalid';

/** A case that must compute the reference's output. */
export interface OutputCase {
  readonly name: string;
  readonly kind: CaseKind;
  readonly expects: 'output';
  readonly route: Route;
  readonly dtype: DType;
  readonly params: ConvParams;
  readonly inputShape: readonly number[];
  readonly weightShape: readonly number[];
  readonly options: ConvTranspose2dOptions;
  /** Matrix rows this case counts in, e.g. `stride=2`, `groups=depthwise`. */
  readonly tags: readonly string[];
}

/**
 * A tensor argument described as data. `length` overrides the data length, `plain` passes a plain
 * array instead of a typed one; `null` passes null.
 */
export type TensorSpec = {
  readonly shape: readonly number[];
  readonly dtype?: DType;
  readonly length?: number;
  readonly plain?: boolean;
} | null;

/** Arguments of a call that must fail. */
export type ErrorCall =
  | {
      readonly route: 'backend';
      readonly input: TensorSpec;
      readonly weight: TensorSpec;
      readonly bias?: TensorSpec;
      readonly options?: unknown;
    }
  | {
      readonly route: 'module';
      /** `new ConvTranspose2d(...args, { ...options, backend })`. */
      readonly args: readonly [unknown, unknown, unknown, Record<string, unknown>?];
      readonly assign?: { readonly weight?: TensorSpec; readonly bias?: TensorSpec };
      readonly forward?: { readonly input: TensorSpec; readonly outputSize?: unknown };
    };

/** A case that must end in a `ConvTransposeError` with `code`. */
export interface ErrorCase {
  readonly name: string;
  readonly kind: CaseKind;
  readonly expects: 'error';
  readonly route: Route;
  readonly code: ConvTransposeErrorCode;
  readonly call: ErrorCall;
  readonly tags: readonly string[];
}

export type ConformanceCase = OutputCase | ErrorCase;

/** Resolves the options, shapes, name and matrix rows of a computing case. */
export function outputCase(
  params: ConvParams,
  kind: CaseKind,
  dtype: DType = 'float32',
  route: Route = 'backend',
): OutputCase {
  const { batch, inChannels, outChannels, groups, inputSize, kernelSize, stride, padding, dilation } = params;
  const options: ConvTranspose2dOptions = { stride, padding, dilation, groups };
  if (params.outputSize) options.outputSize = outputSizeOf(params);
  else options.outputPadding = params.outputPadding;
  const spatial = [inputSize[0], inputSize[1]];
  const prefix = route === 'module' ? 'module ' : '';
  const suffix = dtype === 'float64' ? ' f64' : '';
  return {
    name: `${prefix}${nameOf(params)}${suffix}`,
    kind,
    expects: 'output',
    route,
    dtype,
    params,
    inputShape: batch === null ? [inChannels, ...spatial] : [batch, inChannels, ...spatial],
    weightShape: [inChannels, outChannels / groups, kernelSize[0], kernelSize[1]],
    options,
    tags: [...tagsOf(params), `dtype=${dtype}`, `route=${route}`],
  };
}

/** `s=[2,1] p=[1,0] op=[1,0] d=[2,1] g=2 k=[3,2] n=2 c=[4,6] x=[5,4] bias`: every parameter, no index. */
export function nameOf(p: ConvParams): string {
  const pair = (v: Pair2) => `[${v[0]},${v[1]}]`;
  const size = p.outputSize ? `os=${pair(outputSizeOf(p))}(${p.outputSize})` : `op=${pair(p.outputPadding)}`;
  const groups = p.depthwise ? `g=${p.groups}(dw)` : `g=${p.groups}`;
  return [
    `s=${pair(p.stride)}`,
    `p=${pair(p.padding)}`,
    size,
    `d=${pair(p.dilation)}`,
    groups,
    `k=${pair(p.kernelSize)}`,
    `n=${p.batch ?? 'none'}`,
    `c=[${p.inChannels},${p.outChannels}]`,
    `x=${pair(p.inputSize)}`,
    p.bias ? 'bias' : 'nobias',
  ].join(' ');
}

/** The output size that the case's `outputPadding` gives, for cases that pass `outputSize`. */
export function outputSizeOf(p: ConvParams): Pair2 {
  const axis = (i: 0 | 1) =>
    (p.inputSize[i] - 1) * p.stride[i] -
    2 * p.padding[i] +
    p.dilation[i] * (p.kernelSize[i] - 1) +
    p.outputPadding[i] +
    1;
  return [axis(0), axis(1)];
}

function tagsOf(p: ConvParams): string[] {
  const tags = new Set<string>();
  for (const i of [0, 1] as const) {
    const reach = p.dilation[i] * (p.kernelSize[i] - 1);
    tags.add(`stride=${p.stride[i]}`);
    tags.add(`dilation=${p.dilation[i]}`);
    tags.add(`kernel=${p.kernelSize[i]}`);
    tags.add(
      p.padding[i] === 0
        ? 'padding=0'
        : p.padding[i] < reach
          ? 'padding in (0, d(k-1))'
          : p.padding[i] === reach
            ? 'padding=d(k-1)'
            : 'padding>d(k-1)',
    );
    const op = p.outputPadding[i];
    if (!p.outputSize) {
      tags.add(
        op === 0
          ? 'outputPadding=0'
          : op < p.stride[i]
            ? 'outputPadding<stride'
            : 'outputPadding by dilation',
      );
    }
    if (p.inputSize[i] === 1) tags.add('input size 1');
    if (p.stride[i] > p.dilation[i] * (p.kernelSize[i] - 1) + 1) tags.add('stride>kernel extent (gaps)');
  }
  if (p.outputSize) tags.add(`outputSize=${p.outputSize}`);
  if (p.kernelSize[0] !== p.kernelSize[1]) tags.add('kernel non-square');
  if (p.stride[0] !== p.stride[1] || p.padding[0] !== p.padding[1] || p.dilation[0] !== p.dilation[1]) {
    tags.add('asymmetric [h,w]');
  }
  tags.add(p.depthwise ? 'groups=depthwise' : `groups=${p.groups}`);
  tags.add(`batch=${p.batch ?? 'unbatched'}`);
  tags.add(`bias=${p.bias ? 'on' : 'off'}`);
  return [...tags];
}
