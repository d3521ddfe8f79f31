import type { AxisPhase, ConvTranspose2dPlan } from '@convt/core';

/** One output phase `(row phase, column phase)`: a GEMM of `k = taps * Cin_g` by output pixels. */
export interface PhaseTiling {
  readonly rows: AxisPhase;
  readonly cols: AxisPhase;
  /** Reduction length: row taps x column taps x input channels per group. */
  readonly k: number;
  /** Output rows per work unit: 2 for phases at most 4 pixels wide, so the kernel still fills 8 pixels. */
  readonly rowsPerUnit: 1 | 2;
  /**
   * Index of the odd column phase that this even one computes along (one channel per group, column
   * stride 2, equal counts): the pair's outputs are adjacent, so they are stored as whole vectors.
   * A phase that is some other's partner has `partnerOf` set and no work units of its own.
   */
  readonly partner: number | null;
  readonly partnerOf: number | null;
}

/** How a call is tiled: the phases, the channel blocking and the padded input the kernels read. */
export interface Tiling {
  readonly phases: readonly PhaseTiling[];
  /** Output channels per micro-kernel block: 4, or 1 when each group has a single output channel. */
  readonly mr: number;
  /** Pixels per micro-kernel step (the vector tail is computed into padding, then dropped). */
  readonly nr: number;
  readonly coBlocks: number;
  /**
   * Order of the work units within a phase: by row, then block (each input row is read from L1 by every
   * block) when one phase's packed weights fit in L2; else by block, then row (each block's weights are
   * reused across rows).
   */
  readonly rowMajor: boolean;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padHeight: number;
  readonly padWidth: number;
  /**
   * Floats between padded input planes: whole cache lines, an odd number of them, so that the
   * kernel's reads from many planes at once do not all fall into the same cache sets.
   */
  readonly planeStride: number;
  /** Identifies the packed weight layout: equal keys share packed weights. */
  readonly weightKey: string;
}

/** Packed weights of one phase up to which units run row by row (half of a common 512 KiB L2). */
const L2_WEIGHT_BYTES = 256 * 1024;

/** Derives the tiling from core's plan: the per-axis phases and their tap ranges, nothing re-derived. */
export function tile(plan: ConvTranspose2dPlan): Tiling {
  const mr = plan.outChannelsPerGroup === 1 ? 1 : 4;
  const nr = mr === 1 ? 16 : 8;
  const phases: PhaseTiling[] = [];
  const [even, odd] = plan.cols.phases;
  const interleave =
    mr === 1 &&
    plan.stride[1] === 2 &&
    even !== undefined &&
    odd !== undefined &&
    even.count === odd.count &&
    odd.first === even.first + 1;
  for (const rows of plan.rows.phases) {
    plan.cols.phases.forEach((cols, c) => {
      const k = rows.taps.length * cols.taps.length * plan.inChannelsPerGroup;
      const rowsPerUnit = mr === 4 && cols.count <= 4 && rows.count > 1 ? 2 : 1;
      const p = phases.length;
      const partner = interleave && c === 0 ? p + 1 : null;
      const partnerOf = interleave && c === 1 ? p - 1 : null;
      phases.push({ rows, cols, k, rowsPerUnit, partner, partnerOf });
    });
  }
  const coBlocks = Math.ceil(plan.outChannelsPerGroup / mr);
  const phaseWeightBytes = coBlocks * mr * 4 * Math.max(...phases.map((p) => p.k));
  // Pad so every tap reads inside the buffer for every computed index j in [0, count) (columns: up to
  // the next multiple of nr; rows: of 2, for paired rows), with zeros where the input has none.
  const padTop = reach(plan.rows.phases, 2).before;
  const padLeft = reach(plan.cols.phases, nr).before;
  const padHeight = padTop + Math.max(plan.inHeight, reach(plan.rows.phases, 2).after);
  const padWidth = padLeft + Math.max(plan.inWidth, reach(plan.cols.phases, nr).after);
  const taps = (axis: readonly AxisPhase[]) => axis.map((p) => p.taps.map((t) => t.k).join(',')).join('/');
  const weightKey = `${plan.weightShape}|${plan.groups}|${mr}|${taps(plan.rows.phases)}|${taps(plan.cols.phases)}`;
  return {
    phases,
    planeStride: spacedPlaneStride(padHeight * padWidth),
    mr,
    nr,
    coBlocks,
    rowMajor: phaseWeightBytes <= L2_WEIGHT_BYTES,
    padTop,
    padLeft,
    padHeight,
    padWidth,
    weightKey,
  };
}

/**
 * Floats from one input plane of `floats` values to the next: whole cache lines, an odd number of
 * them, so that a kernel reading one row from many channel planes at once does not put them all in
 * the same cache sets (planes a power of two apart do).
 */
export function spacedPlaneStride(floats: number): number {
  const lines = Math.ceil(floats / 16);
  return (lines % 2 === 0 ? lines + 1 : lines) * 16;
}

/** Input indices the taps of an axis read: how far before 0, and up to which index (exclusive). */
function reach(phases: readonly AxisPhase[], vector: number): { before: number; after: number } {
  let before = 0;
  let after = 0;
  for (const phase of phases) {
    const computed = Math.ceil(phase.count / vector) * vector;
    for (const tap of phase.taps) {
      before = Math.max(before, -tap.inputStart);
      after = Math.max(after, tap.inputStart + computed);
    }
  }
  return { before, after };
}
