import type { Data } from './blocks.js';
import { allFinite } from './finite.js';
import { combine } from './winograd-matrices.js';
import type { WinogradWork } from './winograd-plan.js';

/**
 * Transforms every weight of the layer, `U = Gh g Gw^T` per (phase pair, input channel, output
 * channel) with `g` the pair's `rh x rw` taps and `Gh`, `Gw` its row and column phases' `G`, into
 * `U` in `WinogradWork`'s layout. The weight tensor is read in memory order, one input channel's run at a time, and each step runs over all
 * output channels of the group at once (long loops, not `rh x rw`-sized ones). Float32 `U` (see
 * `WinogradWork.float32Weights`) rounds each float64 transform once.
 * Returns false when a weight is infinite or NaN: the transforms would spread it to outputs it does
 * not reach, so such layers take the direct path.
 */
export function packWinograd(work: WinogradWork, w: Data, U: Float64Array | Float32Array): boolean {
  const { plan, rows, cols, coBlocks, merged, laneBlock: LB } = work;
  const {
    groups,
    inChannelsPerGroup: cin,
    outChannelsPerGroup: coutG,
    kernelHeight: KH,
    kernelWidth: KW,
  } = plan;
  // The filters' phase pairs: the work's own, or the merged form's real ones on its one grid.
  const rowKernels = merged ? merged.rows.kernel : rows.phases.map((p) => p.kernel);
  const colKernels = merged ? merged.cols.kernel : cols.phases.map((p) => p.kernel);
  const colPhases = colKernels.length;
  const pairs = rowKernels.length * colPhases;
  let most = 0;
  for (const rp of rows.phases)
    for (const cp of cols.phases) most = Math.max(most, rp.transform.n * cp.transform.r);
  const taps = new Float64Array(9 * coutG); // [dr][dc][co]
  const half = new Float64Array(most * coutG); // [i][dc][co]: G g
  const row = new Float64Array(coutG); // one transformed position, by output channel
  const finite = allFinite(w, 0, w.length);
  for (let g = 0; g < groups; g++) {
    for (let ci = 0; ci < cin; ci++) {
      const slab = (g * cin + ci) * coutG * KH * KW; // this input channel's weights, co-major
      for (let pair = 0; pair < pairs; pair++) {
        const rk = rowKernels[Math.floor(pair / colPhases)]!;
        const ck = colKernels[pair % colPhases]!;
        const rp = merged ? rows.phases[0]! : rows.phases[Math.floor(pair / colPhases)]!;
        const cp = merged ? cols.phases[0]! : cols.phases[pair % colPhases]!;
        const { n: nh, r: rh } = rp.transform;
        const { n: nw, r: rw } = cp.transform;
        const nn = nh * nw;
        for (let dr = 0; dr < rh; dr++) {
          for (let dc = 0; dc < rw; dc++) {
            const dst = (dr * rw + dc) * coutG;
            if (rk[dr]! < 0 || ck[dc]! < 0) {
              taps.fill(0, dst, dst + coutG); // a merged phase's padding tap
              continue;
            }
            const tap = slab + rk[dr]! * KW + ck[dc]!;
            for (let co = 0; co < coutG; co++) taps[dst + co] = w[tap + co * KH * KW]!;
          }
        }
        for (let i = 0; i < nh; i++) {
          for (let dc = 0; dc < rw; dc++) {
            combine(half, (i * rw + dc) * coutG, rp.g, i, taps, dc * coutG, rw * coutG, coutG);
          }
        }
        // Merged, the pair's output channels are lanes from `pair * coutG` of the one pair's blocks.
        const base = (merged ? 0 : work.pairOffset[pair]!) + g * coBlocks * nn * cin * LB;
        const lane0 = merged ? pair * coutG : 0;
        for (let xi = 0; xi < nn; xi++) {
          const i = Math.floor(xi / nw);
          combine(row, 0, cp.g, xi - i * nw, half, i * rw * coutG, coutG, coutG);
          // A block's lanes are adjacent in its run for `xi`, at input channel `ci`.
          for (let co = 0; co < coutG; co++) {
            const lane = lane0 + co;
            const cb = Math.floor(lane / LB);
            U[base + ((cb * nn + xi) * cin + ci) * LB + lane - cb * LB] = row[co]!;
          }
        }
      }
    }
  }
  return finite;
}
