import type { ConvTranspose2dPlan } from '@convt/core';
import { CO_BLOCK, type WinogradTiling } from './winograd-plan.js';

/**
 * Transforms the weights `(Cin, Cout_g, kH, kW)` once: per phase pair, group, input and output
 * channel, `U = Gh g Gw^T` with `g` the pair's `rh x rw` taps, in float64, rounded once to float32,
 * laid out `[pair][group][xi][co block][ci][8]` (padding channels zero). Returns false when a weight
 * is infinite or NaN: a transform would spread it over outputs it does not reach.
 */
export function packWinogradWeights(
  plan: ConvTranspose2dPlan,
  tiling: WinogradTiling,
  weight: Float32Array,
  out: Float32Array,
): boolean {
  let check = 0; // 0 * v is 0 for every finite v and NaN otherwise
  for (let i = 0; i < weight.length; i++) check += weight[i]! * 0;
  if (check !== 0) return false;
  const {
    groups,
    inChannelsPerGroup: cin,
    outChannelsPerGroup: cout,
    kernelHeight: KH,
    kernelWidth: KW,
  } = plan;
  const { cinPad, coBlocks } = tiling;
  out.fill(0);
  for (const pair of tiling.pairs) {
    const { n: nh, r: rh, G: gh } = pair.rows.transform;
    const { n: nw, r: rw, G: gw } = pair.cols.transform;
    const half = new Float64Array(nh * rw); // Gh g
    for (let g = 0; g < groups; g++) {
      const base = pair.weightOffset + g * pair.groupLength;
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) {
          const taps = ((g * cin + ci) * cout + co) * KH * KW;
          half.fill(0);
          for (let i = 0; i < nh; i++) {
            for (let dr = 0; dr < rh; dr++) {
              const c = gh[i * rh + dr]!;
              if (c === 0) continue;
              const row = taps + pair.rows.kernel[dr]! * KW;
              for (let dc = 0; dc < rw; dc++) half[i * rw + dc]! += c * weight[row + pair.cols.kernel[dc]!]!;
            }
          }
          const cb = Math.floor(co / CO_BLOCK);
          const lane = co - cb * CO_BLOCK;
          for (let i = 0; i < nh; i++) {
            for (let j = 0; j < nw; j++) {
              let u = 0;
              for (let dc = 0; dc < rw; dc++) u += half[i * rw + dc]! * gw[j * rw + dc]!;
              out[base + (((i * nw + j) * coBlocks + cb) * cinPad + ci) * CO_BLOCK + lane] = u;
            }
          }
        }
      }
    }
  }
  return true;
}
