import type { AxisPhase, ConvTranspose2dPlan } from '@convt/core';
import { spacedPlaneStride } from './geometry.js';
import type { Heap } from './heap.js';
import { ALL_ROWS, allocateJob, type Job, planFields, writeJobFields } from './job.js';
import { type JOB, JOB_BYTES, PHASE, PHASE_BYTES, ROW_GROUP, ROW_GROUP_BYTES } from './layout.js';

/**
 * GEMM-then-col2im (`asm/col2im.ts`) for few output channels per group: the gather kernels block 4
 * output channels, so with 1-3 they are bound by input loads, while the transposed weights have
 * `Cout_g * kH * kW` rows to block. Used when each group has at most this many output channels...
 */
const MAX_OUT_CHANNELS = 3;
/** ... enough input channels to make a GEMM of them (depthwise layers keep their 1 x 16 kernel) ... */
const MIN_IN_CHANNELS = 8;
/** ... and a workspace per thread (the products for one index of every row phase) of at most 1 MiB. */
const MAX_WORKSPACE_BYTES = 2 ** 20;
/** Units per claim per thread (as for the gather kernels). */
const CLAIMS_PER_THREAD = 16;

/** The kernel rows `kh` whose taps read input row `jr + inputStart`: one GEMM per unit `jr`. */
export interface RowGroup {
  readonly inputStart: number;
  readonly kernelRows: readonly number[];
  /** First workspace row; the group's rows run over (kh, output channel, kw). */
  readonly firstRow: number;
  /** Blocks of 4 workspace rows (the last one zero padded). */
  readonly blocks: number;
}

export interface Col2imTiling {
  readonly rowGroups: readonly RowGroup[];
  /** Units per image and group: the most outputs of any row phase. */
  readonly unitRows: number;
  /** Zero columns left of the input in each workspace row (taps that start left of it read them). */
  readonly padLeft: number;
  /**
   * Columns the GEMM computes, from `padLeft` (a multiple of its 8-pixel step): the rest of each
   * workspace row stays zero, as the products of input outside the image would be.
   */
  readonly gemmWidth: number;
  /** Floats per workspace row: the input's columns and the zeros either side that taps read. */
  readonly workspaceWidth: number;
  readonly workspaceRows: number;
  /** Floats of packed weights: per row group `[group][block][Cin_g][4]`. */
  readonly weightLength: number;
  readonly weightKey: string;
}

/** The col2im tiling of a call, or null when the gather kernels suit it better. */
export function col2imTiling(plan: ConvTranspose2dPlan): Col2imTiling | null {
  const coutG = plan.outChannelsPerGroup;
  if (coutG > MAX_OUT_CHANNELS || plan.inChannelsPerGroup < MIN_IN_CHANNELS) return null;
  const byStart = new Map<number, number[]>();
  for (const phase of plan.rows.phases) {
    for (const tap of phase.taps)
      byStart.set(tap.inputStart, [...(byStart.get(tap.inputStart) ?? []), tap.k]);
  }
  const rowsPerKh = coutG * plan.kernelWidth;
  let firstRow = 0;
  const rowGroups = [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([inputStart, kernelRows]): RowGroup => {
      const blocks = Math.ceil((kernelRows.length * rowsPerKh) / 4);
      const group = { inputStart, kernelRows: kernelRows.sort((a, b) => a - b), firstRow, blocks };
      firstRow += blocks * 4;
      return group;
    });
  const unitRows = Math.max(...plan.rows.phases.map((p) => p.count));
  const starts = (phases: readonly AxisPhase[]) => phases.flatMap((p) => p.taps.map((t) => t.inputStart));
  const colStarts = starts(plan.cols.phases);
  if (plan.rows.phases.every((p) => p.taps.length === 0) || colStarts.length === 0) return null;
  const padLeft = Math.max(0, -Math.min(...colStarts));
  // The column sums read 4 outputs at a time: every tap's vector tail stays inside the padded row.
  const colReach = plan.cols.phases.flatMap((p) =>
    p.taps.map((t) => t.inputStart + Math.ceil(p.count / 4) * 4),
  );
  const gemmWidth = Math.ceil(plan.inWidth / 8) * 8;
  const padWidth = padLeft + Math.max(gemmWidth, ...colReach);
  const workspaceWidth = Math.ceil(padWidth / 4) * 4;
  if (firstRow * workspaceWidth * 4 > MAX_WORKSPACE_BYTES) return null;
  const blocks = rowGroups.reduce((sum, g) => sum + g.blocks, 0);
  const taps = rowGroups.map((g) => `${g.inputStart}:${g.kernelRows}`).join('/');
  return {
    rowGroups,
    unitRows,
    padLeft,
    gemmWidth,
    workspaceWidth,
    workspaceRows: firstRow,
    weightLength: plan.groups * blocks * plan.inChannelsPerGroup * 4,
    weightKey: `col2im|${plan.weightShape}|${plan.groups}|${taps}`,
  };
}

/**
 * Packs weights `(Cin, Cout_g, kH, kW)` per row group as panels `[group][block][Cin_g][4]` of the rows
 * (kh, output channel, kw), zero past the group's last row.
 */
export function packCol2imWeights(
  plan: ConvTranspose2dPlan,
  tiling: Col2imTiling,
  weight: Float32Array,
  out: Float32Array,
): void {
  const { groups, inChannelsPerGroup: cinG, outChannelsPerGroup: coutG, kernelWidth: kw } = plan;
  const taps = plan.kernelHeight * kw;
  let dst = 0;
  for (const rowGroup of tiling.rowGroups) {
    const rows = rowGroup.kernelRows.length * coutG * kw;
    for (let g = 0; g < groups; g++) {
      for (let block = 0; block < rowGroup.blocks; block++) {
        for (let ci = 0; ci < cinG; ci++) {
          for (let r = block * 4; r < block * 4 + 4; r++) {
            if (r >= rows) {
              out[dst++] = 0;
              continue;
            }
            const kh = rowGroup.kernelRows[Math.floor(r / (coutG * kw))]!;
            const co = Math.floor(r / kw) % coutG;
            out[dst++] = weight[((g * cinG + ci) * coutG + co) * taps + kh * kw + (r % kw)]!;
          }
        }
      }
    }
  }
}

export interface Col2imJobInputs {
  readonly plan: ConvTranspose2dPlan;
  readonly tiling: Col2imTiling;
  readonly weights: number;
  readonly bias: Float32Array | null;
  readonly threads: number;
  /**
   * Whether the caller copies the input in while the workers run (`copyInputByRows`): the job then
   * starts with no row released. Otherwise the input is in place before the job opens.
   */
  readonly inputByRows?: boolean;
}

/** Allocates and fills a col2im job (`mode` 1); release it with `heap.release(job.ptr)`. */
export function writeCol2imJob(
  heap: Heap,
  { plan, tiling, weights, bias, threads, inputByRows = false }: Col2imJobInputs,
): Job {
  const phases = plan.rows.phases.flatMap((rows) => plan.cols.phases.map((cols) => ({ rows, cols })));
  const pairs = phases.map((p) => p.rows.taps.length * p.cols.taps.length);
  // The GEMM reads one row of every input channel per step: planes spaced as the gather kernels' are.
  const planeStride = spacedPlaneStride(plan.inHeight * plan.inWidth);
  const planeBytes = planeStride * 4;
  const rawLength = plan.batch * plan.inChannels * planeStride;
  const outputLength = plan.batch * plan.outputImageSize;
  const wsRow = tiling.workspaceWidth * 4;
  const wsBytes = tiling.workspaceRows * wsRow;
  const [ptr, phasesAt, groupsAt, pairsAt, biasAt, rawAt, outputAt, workspaceAt] = allocateJob(heap, [
    JOB_BYTES,
    phases.length * PHASE_BYTES,
    tiling.rowGroups.length * ROW_GROUP_BYTES,
    pairs.reduce((a, b) => a + b, 0) * 4,
    bias ? bias.length * 4 : 0,
    // The GEMM's last 8-pixel step of the last row reads up to 7 floats past the input.
    rawLength * 4 + 32,
    outputLength * 4,
    threads * wsBytes,
  ]);

  const groups = heap.i32(groupsAt!, (tiling.rowGroups.length * ROW_GROUP_BYTES) / 4);
  const rowOf = new Map<number, number>();
  let weightOffset = 0;
  tiling.rowGroups.forEach((rowGroup, i) => {
    const r = (i * ROW_GROUP_BYTES) / 4;
    const groupStride = rowGroup.blocks * plan.inChannelsPerGroup * 4;
    groups[r + ROW_GROUP.start / 4] = rowGroup.inputStart;
    groups[r + ROW_GROUP.weights / 4] = weights + weightOffset * 4;
    groups[r + ROW_GROUP.weightsGroupStride / 4] = groupStride * 4;
    groups[r + ROW_GROUP.blocks / 4] = rowGroup.blocks;
    groups[r + ROW_GROUP.rows / 4] = rowGroup.kernelRows.length * plan.outChannelsPerGroup * plan.kernelWidth;
    groups[r + ROW_GROUP.ws / 4] = rowGroup.firstRow * wsRow + tiling.padLeft * 4;
    rowGroup.kernelRows.forEach((kh, j) => {
      rowOf.set(kh, rowGroup.firstRow + j * plan.outChannelsPerGroup * plan.kernelWidth);
    });
    weightOffset += plan.groups * groupStride;
  });

  const records = heap.i32(phasesAt!, (phases.length * PHASE_BYTES) / 4);
  let pairAt = pairsAt!;
  phases.forEach(({ rows, cols }, p) => {
    const r = (p * PHASE_BYTES) / 4;
    records[r + PHASE.rowCount / 4] = rows.count;
    records[r + PHASE.colCount / 4] = cols.count;
    records[r + PHASE.k / 4] = pairs[p]!;
    records[r + PHASE.offsets / 4] = pairAt;
    records[r + PHASE.outOffset / 4] = (rows.first * plan.outWidth + cols.first) * 4;
    // Workspace byte offsets of each (row tap, column tap) for output channel 0 and index j = 0.
    const offsets = heap.i32(pairAt, pairs[p]!);
    let i = 0;
    for (const tr of rows.taps) {
      for (const tc of cols.taps) {
        offsets[i++] = (rowOf.get(tr.k)! + tc.k) * wsRow + (tc.inputStart + tiling.padLeft) * 4;
      }
    }
    pairAt += pairs[p]! * 4;
  });
  if (bias) heap.f32(biasAt!, bias.length).set(bias);

  const units = plan.batch * plan.groups * tiling.unitRows;
  const fields: Partial<Record<keyof typeof JOB, number>> = {
    units,
    chunk: Math.max(1, Math.floor(units / (threads * CLAIMS_PER_THREAD))),
    unitsPerImageGroup: tiling.unitRows,
    phaseCount: phases.length,
    phases: phasesAt!,
    input: rawAt!,
    inImageStride: plan.inChannels * planeBytes,
    inGroupStride: plan.inChannelsPerGroup * planeBytes,
    inRowStride: plan.inWidth * 4,
    output: outputAt!,
    bias: bias ? biasAt! : 0,
    raw: rawAt!,
    inPlaneStride: planeBytes,
    mode: 1,
    workspace: workspaceAt!,
    wsBytes,
    wsRow,
    gemmSteps: tiling.gemmWidth / 8,
    cinG: plan.inChannelsPerGroup,
    rowGroups: groupsAt!,
    rowGroupCount: tiling.rowGroups.length,
    wsChannel: plan.kernelWidth * wsRow,
    rowsReady: inputByRows ? 0 : ALL_ROWS,
  };
  writeJobFields(heap, ptr!, planFields(plan), fields);
  return { ptr: ptr!, raw: rawAt!, rawPlaneStride: planeStride, output: outputAt!, outputLength };
}
