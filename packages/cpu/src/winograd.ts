import type { Data } from './blocks.js';
import type { Buffers } from './kernel.js';
import { gemmFor } from './winograd-gemm.js';
import { applyTransform } from './winograd-kernels.js';
import type { WinogradPhase, WinogradWork } from './winograd-plan.js';

/** Doubles of GEMM products per output transform batch (128 KiB): a batch of channel blocks. */
const PRODUCT_DOUBLES = 16 * 1024;

/**
 * Per-thread scratch, grown on demand and bounded by the plan's tile block (never by the whole input
 * or output): one tile row's input patch and half-transformed patch, channels last; the unit's
 * transformed input tiles; one batch of channel blocks' products, half-transformed products and sums.
 */
const scratch = {
  patch: new Float64Array(1024),
  half: new Float64Array(1024),
  V: new Float64Array(4096),
  M: new Float64Array(4096),
  sums: new Float64Array(256),
  /** Per tile of the unit: its first output, and how many of its rows and columns lie in the phase. */
  outAt: new Int32Array(16),
  /** Per tile of the unit: its row and column in the tile grid (the merged form's store). */
  tileRow: new Int32Array(16),
  tileCol: new Int32Array(16),
  rowsIn: new Int32Array(16),
  colsIn: new Int32Array(16),
};

/**
 * Computes unit `u` of `work` (see `WinogradWork`): a block of tiles of one (row phase, column phase)
 * pair of one image and group, for one chunk of output channels. Within the pair the layer is a
 * plain correlation of the input with an `rh x rw` filter per (input, output channel), so each tile
 * of `mh x mw` outputs is `AT [sum_ci U ⊙ V] A` with `V = BT d B` the transformed `nh x nw` input
 * patch (zeros outside the input): `nh * nw` products per (ci, co) instead of `mh * mw * rh * rw`.
 * Data is laid out so that every transform step is a long contiguous loop: input channels last for
 * the input transform, tiles of a batch of output channels last for the output transform.
 */
export function runWinogradUnit(work: WinogradWork, { x, packed: U, b, out }: Buffers, u: number): void {
  const { plan, rows, cols, coBlocks, tileBlock: T, chunkBlocks, chunks, pairUnits } = work;
  const { groups, inChannelsPerGroup: cin, outChannelsPerGroup: coutG } = plan;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = plan;
  const colPhases = cols.phases.length;
  const perImageGroup = pairUnits[pairUnits.length - 1]!;
  let rest = u % perImageGroup;
  const ng = (u - rest) / perImageGroup;
  const g = ng % groups;
  const n = (ng - g) / groups;
  let pair = 0;
  while (rest >= pairUnits[pair + 1]!) pair++;
  rest -= pairUnits[pair]!;
  const chunk = rest % chunks;
  const block = (rest - chunk) / chunks;
  const rp = Math.floor(pair / colPhases);
  const cp = pair % colPhases;
  const rowPh = rows.phases[rp]!;
  const colPh = cols.phases[cp]!;
  const tilesW = colPh.tiles;
  const t0 = block * T;
  const nt = Math.min(rowPh.tiles * tilesW - t0, T);
  const { m: mh, n: nh } = rowPh.transform;
  const { m: mw, n: nw } = colPh.transform;
  const nn = nh * nw;
  const LB = work.laneBlock;
  const batchBlocks = Math.max(1, Math.floor(PRODUCT_DOUBLES / (nn * LB * T)));
  const batchLength = batchBlocks * LB * T;
  grow(
    nh * ((Math.min(T, tilesW) - 1) * mw + nw) * cin,
    nn * T * cin,
    nn,
    batchLength,
    T,
    mh * nw,
    mw * batchLength,
  );
  const { V, M } = scratch;

  // Transformed input, tile row by tile row; a short block's missing tiles are zeros.
  const xImage = (n * plan.inChannels + g * cin) * H * W;
  for (let t = 0; t < nt; ) {
    const th = Math.floor((t0 + t) / tilesW);
    const tw = t0 + t - th * tilesW;
    const count = Math.min(nt - t, tilesW - tw);
    transformInputRow(work, rowPh, colPh, x, xImage, rowPh.start + th * mh, colPh.start + tw * mw, count, t);
    t += count;
  }
  for (let xi = 0; xi < nn; xi++) V.fill(0, (xi * T + nt) * cin, (xi + 1) * T * cin);

  // Where each tile's outputs go: for the merged form, each lane's phase pair places them.
  const { outAt, rowsIn, colsIn, tileRow, tileCol } = scratch;
  const rowPhase = plan.rows.phases[rp]!;
  const colPhase = plan.cols.phases[cp]!;
  for (let t = 0; t < nt; t++) {
    const th = Math.floor((t0 + t) / tilesW);
    const tw = t0 + t - th * tilesW;
    tileRow[t] = th;
    tileCol[t] = tw;
    if (work.merged) continue;
    outAt[t] = (rowPhase.first + plan.stride[0] * th * mh) * OW + colPhase.first + plan.stride[1] * tw * mw;
    rowsIn[t] = Math.min(mh, rowPhase.count - th * mh);
    colsIn[t] = Math.min(mw, colPhase.count - tw * mw);
  }

  const oImage = n * plan.outChannels * OH * OW;
  const uGroup = work.pairOffset[pair]! + g * coBlocks * nn * cin * LB;
  const gemm = gemmFor(U, LB);
  const cbEnd = Math.min(coBlocks, (chunk + 1) * chunkBlocks);
  for (let cb0 = chunk * chunkBlocks; cb0 < cbEnd; cb0 += batchBlocks) {
    const cb1 = Math.min(cbEnd, cb0 + batchBlocks);
    const L = (cb1 - cb0) * LB * T; // products per transformed position: (lane, tile)
    for (let cb = cb0; cb < cb1; cb++) {
      for (let xi = 0; xi < nn; xi++) {
        const uBase = uGroup + (cb * nn + xi) * cin * LB;
        const mBase = xi * L + (cb - cb0) * LB * T;
        for (let tg = 0; tg < nt; tg += 4) gemm(uBase, V, (xi * T + tg) * cin, cin, M, mBase + tg, T);
      }
    }
    const lane0 = cb0 * LB;
    const lanes = Math.min(L / T, (work.merged ? work.merged.lanes : coutG) - lane0);
    transformOutputs(work, rowPh, colPh, L, T, nt, g, lane0, lanes, b, out, oImage);
  }
}

/**
 * Grows the scratch to a unit's sizes: `patch` doubles per tile row's patch, `v` of transformed
 * input, `nn * batch` products, `halfOut * batch` half-transformed products and `sums` output
 * values (one tile row of a batch), `T` tiles.
 */
function grow(
  patch: number,
  v: number,
  nn: number,
  batch: number,
  T: number,
  halfOut: number,
  sums: number,
): void {
  const half = Math.max(patch, halfOut * batch);
  if (scratch.patch.length < patch) scratch.patch = new Float64Array(patch);
  if (scratch.half.length < half) scratch.half = new Float64Array(half);
  if (scratch.V.length < v) scratch.V = new Float64Array(v);
  if (scratch.M.length < nn * batch) scratch.M = new Float64Array(nn * batch);
  if (scratch.sums.length < sums) scratch.sums = new Float64Array(sums);
  if (scratch.outAt.length < T) {
    scratch.outAt = new Int32Array(T);
    scratch.rowsIn = new Int32Array(T);
    scratch.colsIn = new Int32Array(T);
    scratch.tileRow = new Int32Array(T);
    scratch.tileCol = new Int32Array(T);
  }
}

/**
 * `V = BT d B` for `count` consecutive tiles of one tile row, every input channel, the first tile's
 * patch having its top left at input `(iy, ix)` (zeros outside the input): tile `t + k`'s value
 * `xi` for channel `ci` goes to `V[(xi * T + t + k) * cin + ci]`. The row transform runs once over
 * the tile row's columns (tiles overlap by `nw - mw` of them), then the column transform per tile.
 */
function transformInputRow(
  work: WinogradWork,
  rowPh: WinogradPhase,
  colPh: WinogradPhase,
  x: Data,
  xImage: number,
  iy: number,
  ix: number,
  count: number,
  t: number,
): void {
  const { inHeight: H, inWidth: W, inChannelsPerGroup: cin } = work.plan;
  const { n: nh, r: rh } = rowPh.transform;
  const { m: mw, n: nw, r: rw } = colPh.transform;
  const T = work.tileBlock;
  const width = (count - 1) * mw + nw;
  const rowLength = width * cin;
  copyPatch(xImage, x, H, W, cin, nh, iy, ix, width);
  const { patch, V } = scratch;
  // half[i][c][ci] = sum_a BT[i][a] patch[a][c][ci]; a 1-tap row phase's BT is the identity.
  const half = rh === 1 ? patch : scratch.half;
  if (rh !== 1) {
    applyTransform(rowPh.btKernel, rowPh.bt, nh, half, 0, rowLength, patch, 0, rowLength, rowLength);
  }
  // V[i][j][t + k][ci] = sum_c BT[j][c] half[i][k * mw + c][ci]
  const step = T * cin;
  for (let i = 0; i < nh; i++) {
    for (let k = 0; k < count; k++) {
      const to = (i * nw * T + t + k) * cin;
      const from = (i * width + k * mw) * cin;
      if (rw !== 1) applyTransform(colPh.btKernel, colPh.bt, nw, V, to, step, half, from, cin, cin);
      else {
        for (let j = 0; j < nw; j++) {
          for (let ci = 0; ci < cin; ci++) V[to + j * step + ci] = half[from + j * cin + ci]!;
        }
      }
    }
  }
}

/**
 * The tile row's input patch into `scratch.patch`: `nh` rows of `width` columns from `(iy, ix)`,
 * channels last, zeros outside the input.
 */
function copyPatch(
  xImage: number,
  x: Data,
  H: number,
  W: number,
  cin: number,
  nh: number,
  iy: number,
  ix: number,
  width: number,
): void {
  const { patch } = scratch;
  const rowLength = width * cin;
  const cLo = Math.min(width, Math.max(0, 0 - ix)); // not -ix: -0 is a double
  const cHi = Math.max(cLo, Math.min(width, W - ix));
  for (let a = 0; a < nh; a++) {
    const y = iy + a;
    const row = a * rowLength;
    if (y < 0 || y >= H) {
      patch.fill(0, row, row + rowLength);
      continue;
    }
    patch.fill(0, row, row + cLo * cin);
    patch.fill(0, row + cHi * cin, row + rowLength);
    // Four channels at a time: each column's 4 values are stored side by side.
    const plane = H * W;
    const first = xImage + y * W + ix;
    let ci = 0;
    for (; ci + 4 <= cin; ci += 4) {
      const s0 = first + ci * plane;
      const s1 = s0 + plane;
      const s2 = s1 + plane;
      const s3 = s2 + plane;
      for (let c = cLo, d = row + cLo * cin + ci; c < cHi; c++, d += cin) {
        patch[d] = x[s0 + c]!;
        patch[d + 1] = x[s1 + c]!;
        patch[d + 2] = x[s2 + c]!;
        patch[d + 3] = x[s3 + c]!;
      }
    }
    for (; ci < cin; ci++) {
      const src = first + ci * plane;
      for (let c = cLo; c < cHi; c++) patch[row + c * cin + ci] = x[src + c]!;
    }
  }
}

/**
 * `Y = AT M A` plus the bias for a batch of `lanes` GEMM lanes from `lane0` (of group `g`) and tiles
 * `[0, nt)`, from the products at `M[xi * L + lane * T + t]`, stored at the tiles' outputs inside
 * the phase.
 */
function transformOutputs(
  work: WinogradWork,
  rowPh: WinogradPhase,
  colPh: WinogradPhase,
  L: number,
  T: number,
  nt: number,
  g: number,
  lane0: number,
  lanes: number,
  b: Data | null,
  out: Data,
  oImage: number,
): void {
  const { outWidth: OW, outHeight: OH, stride, outChannelsPerGroup: coutG } = work.plan;
  const { m: mh, r: rh } = rowPh.transform;
  const { m: mw, n: nw, r: rw } = colPh.transform;
  const { M, sums, outAt, rowsIn, colsIn } = scratch;
  // half[i][c][q] = sum_a AT[i][a] M[a][c][q], then Y[i][j][q] = sum_c AT[j][c] half[i][c][q]; a
  // 1-tap phase's AT is the identity, so its step reads its source in place.
  const half = rh === 1 ? M : scratch.half;
  if (rh !== 1) {
    for (let c = 0; c < nw; c++)
      applyTransform(rowPh.atKernel, rowPh.at, mh, half, c * L, nw * L, M, c * L, nw * L, L);
  }
  const rowStep = stride[0] * OW;
  for (let i = 0; i < mh; i++) {
    // sums[j][q] = sum_c AT[j][c] half[i][c][q]
    if (rw !== 1) applyTransform(colPh.atKernel, colPh.at, mw, sums, 0, L, half, i * nw * L, L, L);
    for (let j = 0; j < mw; j++) {
      let src = sums;
      let at = j * L;
      if (rw === 1) [src, at] = [half, (i * nw + j) * L];
      if (work.merged) {
        storeMerged(work, src, at, T, nt, i, j, g, lane0, lanes, b, out, oImage);
        continue;
      }
      const co0 = g * coutG + lane0;
      for (let lane = 0; lane < lanes; lane++) {
        const bias = b === null ? 0 : b[co0 + lane]!;
        const o = oImage + (co0 + lane) * OH * OW + i * rowStep + j * stride[1];
        const s = at + lane * T;
        for (let t = 0; t < nt; t++) {
          if (i < rowsIn[t]! && j < colsIn[t]!) out[o + outAt[t]!] = src[s + t]! + bias;
        }
      }
    }
  }
}

/**
 * The merged form's store of output `(i, j)` of each tile, for lanes `[lane0, lane0 + lanes)`: lane
 * `(rp * colPhases + cp) * coutG + co` holds output channel `co` of phase pair `(rp, cp)`, whose
 * output row `th * mh + i - shift` of the phase lies at grid tile row `th` (columns alike).
 */
function storeMerged(
  work: WinogradWork,
  src: Float64Array,
  at: number,
  T: number,
  nt: number,
  i: number,
  j: number,
  g: number,
  lane0: number,
  lanes: number,
  b: Data | null,
  out: Data,
  oImage: number,
): void {
  const { plan, rows, cols } = work;
  const merged = work.merged!;
  const { outWidth: OW, outHeight: OH, stride, outChannelsPerGroup: coutG } = plan;
  const colPhases = plan.cols.phases.length;
  const { tileRow, tileCol } = scratch;
  const rowStep = stride[0] * OW;
  for (let lane = 0; lane < lanes; lane++) {
    const v = lane0 + lane;
    const co = v % coutG;
    const pair = (v - co) / coutG;
    const cp = pair % colPhases;
    const rp = (pair - cp) / colPhases;
    const rowPhase = plan.rows.phases[rp]!;
    const colPhase = plan.cols.phases[cp]!;
    const di = i - merged.rows.shift[rp]!;
    const dj = j - merged.cols.shift[cp]!;
    const bias = b === null ? 0 : b[g * coutG + co]!;
    const o = oImage + (g * coutG + co) * OH * OW + rowPhase.first * OW + colPhase.first;
    const s = at + lane * T;
    for (let t = 0; t < nt; t++) {
      const jr = tileRow[t]! * rows.m + di;
      const jc = tileCol[t]! * cols.m + dj;
      if (jr >= 0 && jr < rowPhase.count && jc >= 0 && jc < colPhase.count) {
        out[o + jr * rowStep + jc * stride[1]] = src[s + t]! + bias;
      }
    }
  }
}
