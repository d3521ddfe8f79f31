import type { ConvTranspose2dPlan } from '@convt/core';
import type { Tiling } from './geometry.js';

/** Where each phase's panels start, in floats from the start of the packed weights. */
export interface PackedLayout {
  readonly phaseOffsets: readonly number[];
  /** Floats per group within one phase: `coBlocks * k * mr`. */
  readonly groupStrides: readonly number[];
  readonly length: number;
}

export function packedLayout(plan: ConvTranspose2dPlan, tiling: Tiling): PackedLayout {
  const phaseOffsets: number[] = [];
  const groupStrides: number[] = [];
  let length = 0;
  for (const phase of tiling.phases) {
    const groupStride = tiling.coBlocks * phase.k * tiling.mr;
    phaseOffsets.push(length);
    groupStrides.push(groupStride);
    length += plan.groups * groupStride;
  }
  return { phaseOffsets, groupStrides, length };
}

/**
 * Packs weights `(Cin, Cout_g, kH, kW)` per phase as panels `[group][block][k][mr]`, with `k` running
 * over (row tap, column tap, input channel): the kernels walk one tap pair's input channels by a
 * fixed stride, so no step loads an offset. Output channels past `Cout_g` are zero.
 */
export function packWeights(
  plan: ConvTranspose2dPlan,
  tiling: Tiling,
  layout: PackedLayout,
  weight: Float32Array,
  out: Float32Array,
): void {
  const {
    groups,
    inChannelsPerGroup: cinG,
    outChannelsPerGroup: coutG,
    kernelHeight: kh,
    kernelWidth: kw,
  } = plan;
  const { mr, coBlocks } = tiling;
  const coStride = kh * kw;
  const ciStride = coutG * coStride;
  tiling.phases.forEach((phase, p) => {
    let dst = layout.phaseOffsets[p]!;
    for (let g = 0; g < groups; g++) {
      for (let block = 0; block < coBlocks; block++) {
        for (const tr of phase.rows.taps) {
          for (const tc of phase.cols.taps) {
            for (let ci = 0; ci < cinG; ci++) {
              const tapBase = (g * cinG + ci) * ciStride + tr.k * kw + tc.k;
              for (let c = 0; c < mr; c++) {
                const co = block * mr + c;
                out[dst++] = co < coutG ? weight[tapBase + co * coStride]! : 0;
              }
            }
          }
        }
      }
    }
  });
}

/**
 * Input byte offsets, relative to the pixel `j = 0` of one group's padded input: with blocks of 4
 * channels, one per (row tap, column tap) pair at channel 0 (the kernels step through the channels'
 * planes); with 1 channel per group (mostly depthwise: one input channel), one per `k`.
 */
export function phaseOffsets(plan: ConvTranspose2dPlan, tiling: Tiling, p: number, out: Int32Array): void {
  const phase = tiling.phases[p]!;
  const channels = tiling.mr === 1 ? plan.inChannelsPerGroup : 1;
  let i = 0;
  for (const tr of phase.rows.taps) {
    const row = (tr.inputStart + tiling.padTop) * tiling.padWidth;
    for (const tc of phase.cols.taps) {
      for (let ci = 0; ci < channels; ci++)
        out[i++] = (ci * tiling.planeStride + row + tc.inputStart + tiling.padLeft) * 4;
    }
  }
}

/** Entries of a phase's offset table (see `phaseOffsets`). */
export function offsetCount(plan: ConvTranspose2dPlan, tiling: Tiling, p: number): number {
  const phase = tiling.phases[p]!;
  return phase.rows.taps.length * phase.cols.taps.length * (tiling.mr === 1 ? plan.inChannelsPerGroup : 1);
}

/** Bias per group and block, zero padded to whole blocks, so the kernel loads `mr` values at once. */
export function packBias(
  plan: ConvTranspose2dPlan,
  tiling: Tiling,
  bias: Float32Array,
  out: Float32Array,
): void {
  const { groups, outChannelsPerGroup: coutG } = plan;
  const width = tiling.coBlocks * tiling.mr;
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < width; c++) out[g * width + c] = c < coutG ? bias[g * coutG + c]! : 0;
  }
}
