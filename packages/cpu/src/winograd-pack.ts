import type { Data } from './blocks.js';
import { CO_BLOCK } from './layout.js';
import { combine } from './winograd-matrices.js';
import type { WinogradWork } from './winograd-plan.js';

/**
 * Transforms every weight of the layer, `U = Gh g Gw^T` per (phase pair, input channel, output
 * channel) with `g` the pair's `rh x rw` taps and `Gh`, `Gw` its row and column phases' `G`, into
 * `U` in `WinogradWork`'s layout. The weight tensor is read in memory order, one input channel's run at a time, and each step runs over all
 * output channels of the group at once (long loops, not `rh x rw`-sized ones).
 * Returns false when a weight is infinite or NaN: the transforms would spread it to outputs it does
 * not reach, so such layers take the direct path.
 */
export function packWinograd(work: WinogradWork, w: Data, U: Float64Array): boolean {
  const { plan, rows, cols, coBlocks } = work;
  const {
    groups,
    inChannelsPerGroup: cin,
    outChannelsPerGroup: coutG,
    kernelHeight: KH,
    kernelWidth: KW,
  } = plan;
  const colPhases = cols.phases.length;
  const pairs = rows.phases.length * colPhases;
  let most = 0;
  for (const rp of rows.phases)
    for (const cp of cols.phases) most = Math.max(most, rp.transform.n * cp.transform.r);
  const taps = new Float64Array(9 * coutG); // [dr][dc][co]
  const half = new Float64Array(most * coutG); // [i][dc][co]: G g
  const row = new Float64Array(coBlocks * CO_BLOCK); // one transformed position, by output channel
  let check = 0; // 0 * v is 0 for every finite v and NaN otherwise
  for (let i = 0; i < w.length; i++) check += w[i]! * 0;
  for (let g = 0; g < groups; g++) {
    for (let ci = 0; ci < cin; ci++) {
      const slab = (g * cin + ci) * coutG * KH * KW; // this input channel's weights, co-major
      for (let pair = 0; pair < pairs; pair++) {
        const rp = rows.phases[Math.floor(pair / colPhases)]!;
        const cp = cols.phases[pair % colPhases]!;
        const { n: nh, r: rh } = rp.transform;
        const { n: nw, r: rw } = cp.transform;
        const nn = nh * nw;
        for (let dr = 0; dr < rh; dr++) {
          for (let dc = 0; dc < rw; dc++) {
            const tap = slab + rp.kernel[dr]! * KW + cp.kernel[dc]!;
            const dst = (dr * rw + dc) * coutG;
            for (let co = 0; co < coutG; co++) taps[dst + co] = w[tap + co * KH * KW]!;
          }
        }
        for (let i = 0; i < nh; i++) {
          for (let dc = 0; dc < rw; dc++) {
            combine(half, (i * rw + dc) * coutG, rp.g, i, taps, dc * coutG, rw * coutG, coutG);
          }
        }
        const base = work.pairOffset[pair]! + g * coBlocks * nn * cin * CO_BLOCK;
        for (let xi = 0; xi < nn; xi++) {
          const i = Math.floor(xi / nw);
          combine(row, 0, cp.g, xi - i * nw, half, i * rw * coutG, coutG, coutG);
          // A block's 4 channels are adjacent in its run for `xi`, at input channel `ci`.
          for (let cb = 0; cb < coBlocks; cb++) {
            const to = base + ((cb * nn + xi) * cin + ci) * CO_BLOCK;
            for (let lane = 0; lane < CO_BLOCK; lane++) U[to + lane] = row[cb * CO_BLOCK + lane]!;
          }
        }
      }
    }
  }
  return check === 0;
}
