import type { ConvTranspose2dPlan } from '@convt/core';
import { CO_BLOCK, type Layout, planLayout } from './layout.js';

export { CO_BLOCK };

/** Bytes of float64 input a band copies into its workspace, so that it stays in a core's L2. */
const BAND_INPUT_BYTES = 192 * 1024;

/** Units per thread below which work is cut finer, so that threads have work to share. */
const UNITS_PER_THREAD = 8;

/**
 * How one call is cut into independent units of work.
 *
 * A unit is (image, group, band of output rows, chunk of output-channel blocks), numbered in that
 * order. Bands keep the input a unit reads in cache; chunks let layers with few rows and many
 * weights (DCGAN's first layers) spread over threads without each thread packing every weight.
 * Units write disjoint outputs and each output's sum order is fixed by the micro-kernels, so any
 * assignment of units to threads, and any cut, gives bit-identical results.
 */
export interface Work {
  readonly kind: 'direct';
  readonly plan: ConvTranspose2dPlan;
  /** Where the packed weights put each table entry. */
  readonly layout: Layout;
  readonly bandRows: number;
  readonly bands: number;
  /** Output channels (of a group) per chunk: a multiple of `CO_BLOCK`. */
  readonly chunkChannels: number;
  readonly chunks: number;
  readonly units: number;
  /** First input column any tap reads (<= 0): the workspace's column 0. */
  readonly colLo: number;
  /** Columns of a workspace row: every input column any tap reads, zeros outside the input. */
  readonly paddedWidth: number;
}

export function planWork(plan: ConvTranspose2dPlan, threads: number): Work {
  const { batch, groups, outHeight, inChannelsPerGroup, inWidth, outChannelsPerGroup } = plan;
  let colLo = 0;
  let colHi = inWidth;
  for (const phase of plan.cols.phases) {
    for (const tap of phase.taps) {
      colLo = Math.min(colLo, tap.inputStart);
      colHi = Math.max(colHi, tap.inputStart + phase.count);
    }
  }
  const paddedWidth = colHi - colLo;

  const stride = plan.stride[0];
  const rowBytes = inChannelsPerGroup * paddedWidth * 8;
  const rowTaps = Math.ceil(plan.kernelHeight / stride);
  const inputRows = Math.max(1, Math.floor(BAND_INPUT_BYTES / rowBytes) - rowTaps + 1);
  let bandRows = Math.min(outHeight, inputRows * stride);
  const wanted = threads > 1 ? threads * UNITS_PER_THREAD : 1;
  const outer = batch * groups;
  const blocks = Math.ceil(outChannelsPerGroup / CO_BLOCK);
  let chunks = 1;
  if (outer * Math.ceil(outHeight / bandRows) < wanted) {
    chunks = Math.min(blocks, Math.ceil(wanted / (outer * Math.ceil(outHeight / bandRows))));
  }
  const chunkBlocks = Math.ceil(blocks / chunks);
  chunks = Math.ceil(blocks / chunkBlocks);
  if (outer * chunks * Math.ceil(outHeight / bandRows) < wanted) {
    bandRows = Math.max(1, Math.floor(outHeight / Math.ceil(wanted / (outer * chunks))));
  }
  const bands = Math.ceil(outHeight / bandRows);
  return {
    kind: 'direct',
    plan,
    layout: planLayout(plan),
    bandRows,
    bands,
    chunkChannels: chunkBlocks * CO_BLOCK,
    chunks,
    units: outer * bands * chunks,
    colLo,
    paddedWidth,
  };
}
