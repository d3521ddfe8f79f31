import { fail } from './errors.js';
import {
  type ConvTranspose2dOptions,
  checkOptionRanges,
  checkOutputPadding,
  forEachAxis,
  normalizeOptions,
} from './options.js';

/**
 * One output phase of one axis (the sub-pixel decomposition of the gather form).
 *
 * Outputs `first + stride * j` for `j < count` all receive exactly the kernel taps in `taps`;
 * tap `t` reads input index `t.inputStart + j`, which lies inside the input for `t.jBegin <= j < t.jEnd`.
 * No tap outside `taps` can reach this phase, so a kernel that walks phases never tests divisibility.
 */
export interface AxisPhase {
  readonly first: number;
  readonly count: number;
  readonly taps: readonly PhaseTap[];
}

export interface PhaseTap {
  /** Kernel index along this axis. */
  readonly k: number;
  /** Input index for `j = 0` (may be negative: then `jBegin > 0`). */
  readonly inputStart: number;
  readonly jBegin: number;
  readonly jEnd: number;
}

/** Everything about one spatial axis (rows or columns). */
export interface AxisPlan {
  readonly inSize: number;
  readonly outSize: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  /** The output padding actually applied (from `outputPadding` or derived from `outputSize`). */
  readonly outputPadding: number;
  /** `min(stride, outSize)` phases; together they cover every output index exactly once. */
  readonly phases: readonly AxisPhase[];
}

/** The resolved geometry of one call: every backend reads this instead of re-deriving it. */
export interface ConvTranspose2dPlan {
  /** False for unbatched `(C, H, W)` input; the output then has rank 3 too. */
  readonly batched: boolean;
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly outputPadding: readonly [number, number];
  readonly hasBias: boolean;
  readonly inputShape: readonly number[];
  readonly weightShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Element counts of one image (`C*H*W`) of input and output. */
  readonly inputImageSize: number;
  readonly outputImageSize: number;
  readonly rows: AxisPlan;
  readonly cols: AxisPlan;
  /** `2 * N * Cin * H * W * (Cout / groups) * kH * kW`: the nominal work, for GFLOP/s figures. */
  readonly flops: number;
}

/**
 * Validates shapes and options in the order of the spec and resolves the geometry.
 *
 * 1. defaults and types of the options; 2. each shape and each parameter's range;
 * 3. cross-parameter rules (channels, groups, bias, output size, output padding); 4. output size >= 1.
 * Each failing step throws a `ConvTransposeError` with its own code.
 */
export function resolveConvTranspose2d(
  inputShape: readonly number[],
  weightShape: readonly number[],
  biasShape: readonly number[] | null | undefined,
  options?: ConvTranspose2dOptions,
): ConvTranspose2dPlan {
  // Step 1: defaults.
  const o = normalizeOptions(options);

  // Step 2: each argument on its own.
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    fail('INPUT_RANK', 'input.shape', inputShape, 'must have rank 4 (N, C, H, W) or rank 3 (C, H, W)');
  }
  const batched = inputShape.length === 4;
  const [batch, inChannels, inHeight, inWidth] = batched ? inputShape : [1, ...inputShape];
  if (inChannels! < 1) fail('CHANNELS_RANGE', 'input.shape', inputShape, 'must have at least 1 channel');
  if (inHeight! < 1 || inWidth! < 1) {
    fail('INPUT_EMPTY', 'input.shape', inputShape, 'must have height and width >= 1');
  }
  if (weightShape.length !== 4) {
    fail(
      'WEIGHT_RANK',
      'weight.shape',
      weightShape,
      'must have rank 4 (inChannels, outChannels / groups, kH, kW)',
    );
  }
  const [weightIn, outPerGroup, kernelHeight, kernelWidth] = weightShape as [number, number, number, number];
  if (kernelHeight < 1 || kernelWidth < 1) {
    fail('KERNEL_SIZE_RANGE', 'weight.shape', weightShape, 'must have kernel height and width >= 1');
  }
  if (outPerGroup < 1) {
    fail('CHANNELS_RANGE', 'weight.shape[1]', outPerGroup, 'must be >= 1 (outChannels / groups)');
  }
  checkOptionRanges(o);

  // Step 3: cross-parameter rules.
  if (weightIn !== inChannels) {
    fail(
      'INPUT_CHANNELS_MISMATCH',
      'weight.shape[0]',
      weightIn,
      `must equal the input's channels ${inChannels} (input.shape [${inputShape}])`,
    );
  }
  const groups = o.groups;
  if (inChannels! % groups !== 0) {
    fail('IN_CHANNELS_GROUPS', 'groups', groups, `must divide the input's channels ${inChannels}`);
  }
  const outChannels = outPerGroup * groups;
  if (biasShape != null && (biasShape.length !== 1 || biasShape[0] !== outChannels)) {
    fail('BIAS_SHAPE', 'bias.shape', biasShape, `must be [${outChannels}] (outChannels)`);
  }
  const kernel = [kernelHeight, kernelWidth] as const;
  const inSize = [inHeight!, inWidth!] as const;
  const minSize = [0, 1].map(
    (i) => (inSize[i]! - 1) * o.stride[i]! - 2 * o.padding[i]! + o.dilation[i]! * (kernel[i]! - 1) + 1,
  ) as [number, number];
  let outputPadding = o.outputPadding;
  if (o.outputSize) {
    const size = o.outputSize;
    forEachAxis((i) => {
      const max = minSize[i] + o.stride[i]! - 1;
      if (size[i]! < minSize[i] || size[i]! > max) {
        fail(
          'OUTPUT_SIZE_RANGE',
          `outputSize[${i}]`,
          size[i],
          `must lie in [${minSize[i]}, ${max}] for input size ${inSize[i]} (min size + stride[${i}] - 1)`,
        );
      }
    });
    outputPadding = [size[0] - minSize[0], size[1] - minSize[1]];
  } else {
    checkOutputPadding(outputPadding, o);
  }

  // Step 4: the output size.
  const outSize = [minSize[0] + outputPadding[0], minSize[1] + outputPadding[1]] as const;
  forEachAxis((i) => {
    if (outSize[i] < 1) {
      fail(
        'OUTPUT_EMPTY',
        i === 0 ? 'outHeight' : 'outWidth',
        outSize[i],
        `must be >= 1: (${inSize[i]} - 1) * stride ${o.stride[i]} - 2 * padding ${o.padding[i]} + dilation ${o.dilation[i]} * (kernel ${kernel[i]} - 1) + outputPadding ${outputPadding[i]} + 1`,
      );
    }
  });

  const axis = (i: 0 | 1): AxisPlan =>
    axisPlan(inSize[i], outSize[i], kernel[i], o.stride[i], o.padding[i], o.dilation[i], outputPadding[i]);
  const outputShape = batched
    ? [batch!, outChannels, outSize[0], outSize[1]]
    : [outChannels, outSize[0], outSize[1]];
  return {
    batched,
    batch: batch!,
    inChannels: inChannels!,
    outChannels,
    groups,
    inChannelsPerGroup: inChannels! / groups,
    outChannelsPerGroup: outPerGroup,
    inHeight: inSize[0],
    inWidth: inSize[1],
    kernelHeight,
    kernelWidth,
    outHeight: outSize[0],
    outWidth: outSize[1],
    stride: o.stride,
    padding: o.padding,
    dilation: o.dilation,
    outputPadding: [outputPadding[0], outputPadding[1]],
    hasBias: biasShape != null,
    inputShape: [...inputShape],
    weightShape: [...weightShape],
    outputShape,
    inputImageSize: inChannels! * inSize[0] * inSize[1],
    outputImageSize: outChannels * outSize[0] * outSize[1],
    rows: axis(0),
    cols: axis(1),
    flops: 2 * batch! * inChannels! * inSize[0] * inSize[1] * outPerGroup * kernelHeight * kernelWidth,
  };
}

/**
 * Output `o` reads input `i` through tap `k` when `o + padding = i * stride + k * dilation`.
 * Group outputs by `o mod stride`: within a group the set of taps is fixed and `i` advances by one.
 */
function axisPlan(
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  outputPadding: number,
): AxisPlan {
  const phases: AxisPhase[] = [];
  for (let first = 0; first < Math.min(stride, outSize); first++) {
    const count = Math.ceil((outSize - first) / stride);
    const taps: PhaseTap[] = [];
    for (let k = 0; k < kernel; k++) {
      const offset = first + padding - k * dilation;
      if (mod(offset, stride) !== 0) continue;
      const inputStart = offset / stride;
      const jBegin = Math.max(0, -inputStart);
      const jEnd = Math.min(count, inSize - inputStart);
      if (jBegin < jEnd) taps.push({ k, inputStart, jBegin, jEnd });
    }
    phases.push({ first, count, taps });
  }
  return { inSize, outSize, kernel, stride, padding, dilation, outputPadding, phases };
}

/** A phase read as a plain correlation: output `j` reads inputs `start + j + d` with kernel tap `kernel[d]`. */
export interface PhaseCorrelation {
  readonly start: number;
  /** Kernel index along the axis for each input offset `d` (as many as the phase has taps). */
  readonly kernel: readonly number[];
}

/**
 * What a plan depends on, as a string: the shapes and options it was resolved from. Backends key
 * the choices they make once per layer geometry (path, tiling) by it.
 */
export function geometryKey(plan: ConvTranspose2dPlan): string {
  const { inputShape, weightShape, stride, padding, outputPadding, dilation, groups } = plan;
  return `${inputShape}|${weightShape}|${stride}|${padding}|${outputPadding}|${dilation}|${groups}`;
}

/**
 * The phase as a correlation over consecutive inputs, for backends that tile it (Winograd): null when
 * its taps skip an input (dilation) or some output of the phase reads no input at all (its exact value
 * is its bias alone, which a transformed tile would not keep).
 */
export function phaseCorrelation(phase: AxisPhase): PhaseCorrelation | null {
  if (phase.taps.length === 0) return null;
  const start = Math.min(...phase.taps.map((t) => t.inputStart));
  const kernel = new Array<number>(phase.taps.length).fill(-1);
  for (const t of phase.taps) {
    const d = t.inputStart - start;
    if (d >= kernel.length || kernel[d] !== -1) return null;
    kernel[d] = t.k;
  }
  for (let j = 0; j < phase.count; j++) {
    if (!phase.taps.some((t) => t.jBegin <= j && j < t.jEnd)) return null;
  }
  return { start, kernel };
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
