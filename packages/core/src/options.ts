import { fail } from './errors.js';

export type Pair = number | readonly [number, number];

export interface ConvTranspose2dOptions {
  /** Default 1. */
  stride?: Pair;
  /** Implicit zero padding removed from both sides of the output; default 0. */
  padding?: Pair;
  /** Extra rows/columns added to the bottom/right of the output; default 0. */
  outputPadding?: Pair;
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  dilation?: Pair;
  /** Requested output `[H, W]`; replaces `outputPadding` (PyTorch's `output_size`). */
  outputSize?: readonly [number, number];
}

/** Options with every default filled and every pair spelled out as `[h, w]`. */
export interface NormalizedOptions {
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly outputPadding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly outputSize: readonly [number, number] | null;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'stride',
  'padding',
  'outputPadding',
  'groups',
  'dilation',
  'outputSize',
]);

/** Step 1: fill the defaults and spell every pair out; rejects unknown and mistyped options. */
export function normalizeOptions(options: ConvTranspose2dOptions | undefined | null): NormalizedOptions {
  if (options == null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    fail('INVALID_OPTION_TYPE', 'options', options, 'must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key) && (options as Record<string, unknown>)[key] !== undefined) {
      fail(
        'UNKNOWN_OPTION',
        key,
        (options as Record<string, unknown>)[key],
        `is not an option; known: ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  return {
    stride: toPair(options.stride, 1, 'stride'),
    padding: toPair(options.padding, 0, 'padding'),
    outputPadding: toPair(options.outputPadding, 0, 'outputPadding'),
    dilation: toPair(options.dilation, 1, 'dilation'),
    groups: options.groups === undefined ? 1 : toInteger(options.groups, 'groups'),
    outputSize: options.outputSize == null ? null : toOutputSize(options.outputSize),
  };
}

/** Step 2: the range of each parameter on its own. */
export function checkOptionRanges(o: NormalizedOptions): void {
  forEachAxis((i) => {
    if (o.stride[i]! < 1) fail('STRIDE_RANGE', `stride[${i}]`, o.stride[i], 'must be >= 1');
    if (o.padding[i]! < 0) fail('PADDING_RANGE', `padding[${i}]`, o.padding[i], 'must be >= 0');
    if (o.outputPadding[i]! < 0) {
      fail('OUTPUT_PADDING_RANGE', `outputPadding[${i}]`, o.outputPadding[i], 'must be >= 0');
    }
    if (o.dilation[i]! < 1) fail('DILATION_RANGE', `dilation[${i}]`, o.dilation[i], 'must be >= 1');
  });
  if (o.groups < 1) fail('GROUPS_RANGE', 'groups', o.groups, 'must be >= 1');
}

/** Step 3 (cross-parameter): PyTorch's rule for output padding, per dimension. */
export function checkOutputPadding(outputPadding: readonly number[], o: NormalizedOptions): void {
  forEachAxis((i) => {
    const op = outputPadding[i]!;
    if (op >= o.stride[i]! && op >= o.dilation[i]!) {
      fail(
        'OUTPUT_PADDING_RULE',
        `outputPadding[${i}]`,
        op,
        `must be smaller than stride[${i}]=${o.stride[i]} or dilation[${i}]=${o.dilation[i]}`,
      );
    }
  });
}

export function forEachAxis(fn: (axis: 0 | 1) => void): void {
  fn(0);
  fn(1);
}

function toPair(value: Pair | undefined, fallback: number, name: string): readonly [number, number] {
  if (value === undefined) return [fallback, fallback];
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      fail('INVALID_OPTION_TYPE', name, value, 'must be an integer or an [h, w] pair of integers');
    }
    return [toInteger(value[0], `${name}[0]`), toInteger(value[1], `${name}[1]`)];
  }
  const n = toInteger(value, name);
  return [n, n];
}

function toInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail('INVALID_OPTION_TYPE', name, value, 'must be an integer');
  }
  return value;
}

function toOutputSize(value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    fail('OUTPUT_SIZE_LENGTH', 'outputSize', value, 'must be an [H, W] pair');
  }
  return [toInteger(value[0], 'outputSize[0]'), toInteger(value[1], 'outputSize[1]')];
}
