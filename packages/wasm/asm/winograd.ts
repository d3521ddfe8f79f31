// Winograd tiles for layers whose output phases are small dense correlations (k4 s2 p1: 2 x 2 taps
// per phase pair; k3 s1: 3 x 3): each (row phase, column phase) pair computes tiles of mh x mw
// outputs from nh x nw inputs, Y = ATh [(U) (.) (BTh d BTw^T)] ATw^T summed over input channels, with
// U = Gh g Gw^T transformed once per weight by the host (src/winograd-pack.ts).
//
// The caller first copies the NCHW input into a zero-padded channels-last layout (`padNhwc`), so the
// transforms run over 4 input channels per vector. A unit is (group, pair, block of tiles across the
// batch, chunk of output channels): it transforms its tiles' inputs into its thread's workspace
// (V[xi][tile][ci]), runs one GEMM per transformed position xi (M[xi][tile][co] = sum over ci of
// U[xi][co][ci] V[xi][tile][ci], 8 output channels x 4 tiles per step) and transforms M back into
// outputs, adding the bias. Every output is computed by the unit holding its tile, with the same
// instruction sequence whatever the cut: results do not depend on the thread count.

import {
  J_GROUPS, J_INPUT, J_OUTPUT, J_OUT_IMAGE_STRIDE, J_OUT_PLANE, J_COUT_G, J_BIAS, J_ROW_STEP, J_COL_STEP,
  J_RAW, J_IN_H, J_IN_W, J_PAD_TOP, J_PAD_LEFT, J_CIN_G, J_UNITS_PER_IMAGE_GROUP,
  J_W_PAIRS, J_W_PAIR_COUNT, J_W_TILE_BLOCK, J_W_CIN_PAD, J_W_CHUNKS, J_W_CHUNK_BLOCKS, J_W_CO_BLOCKS,
  J_W_PIXEL, J_W_PAD_W, J_W_IMAGE, J_W_M_OFFSET, J_W_TMP_OFFSET, J_W_PADDED_BYTES, J_W_BATCH,
  WP_UNIT_START, WP_NH, WP_NW, WP_MH, WP_MW, WP_ROW0, WP_COL0, WP_TILES_H, WP_TILES_W, WP_ROWS, WP_COLS,
  WP_OUT_OFFSET, WP_U, WP_U_GROUP, WP_BT_H, WP_BT_W, WP_AT_H, WP_AT_W, WP_TILES, WP_SIZE, SP_ROW,
} from './layout';
import { madd } from './madd';

/** Copies the raw NCHW input into the zero-padded channels-last layout the transforms read. */
export function padNhwc(job: usize): void {
  const input = load<i32>(job, J_INPUT) as usize;
  memory.fill(input, 0, load<i32>(job, J_W_PADDED_BYTES) as usize);
  const batch = load<i32>(job, J_W_BATCH);
  const groups = load<i32>(job, J_GROUPS);
  const cinG = load<i32>(job, J_CIN_G);
  const cinPad = load<i32>(job, J_W_CIN_PAD);
  const inH = load<i32>(job, J_IN_H);
  const inW = load<i32>(job, J_IN_W);
  const pixel = load<i32>(job, J_W_PIXEL) as usize;
  const padW = load<i32>(job, J_W_PAD_W) as usize;
  const image = load<i32>(job, J_W_IMAGE) as usize;
  const top = load<i32>(job, J_PAD_TOP) as usize;
  const left = load<i32>(job, J_PAD_LEFT) as usize;
  const raw = load<i32>(job, J_RAW) as usize;
  const rowBytes = (inW as usize) << 2;
  const planeBytes = (inH as usize) * rowBytes;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const src = raw + ((n * groups + g) as usize) * (cinG as usize) * planeBytes;
      const dst = input + (n as usize) * image + ((g * cinPad) as usize << 2);
      for (let h = 0; h < inH; h++) {
        const srcRow = src + (h as usize) * rowBytes;
        const dstRow = dst + ((h as usize) + top) * padW * pixel + left * pixel;
        let c = 0;
        // 4 channels x 4 columns at a time, transposed in registers.
        for (; c + 4 <= cinG; c += 4) {
          const s = srcRow + (c as usize) * planeBytes;
          const d = dstRow + ((c as usize) << 2);
          let w = 0;
          for (; w + 4 <= inW; w += 4) {
            const p = s + ((w as usize) << 2);
            const r0 = v128.load(p);
            const r1 = v128.load(p + planeBytes);
            const r2 = v128.load(p + 2 * planeBytes);
            const r3 = v128.load(p + 3 * planeBytes);
            const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
            const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
            const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
            const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
            const q = d + (w as usize) * pixel;
            v128.store(q, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
            v128.store(q + pixel, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
            v128.store(q + 2 * pixel, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
            v128.store(q + 3 * pixel, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
          }
          for (; w < inW; w++) {
            const p = s + ((w as usize) << 2);
            const q = d + (w as usize) * pixel;
            store<f32>(q, load<f32>(p));
            store<f32>(q, load<f32>(p + planeBytes), 4);
            store<f32>(q, load<f32>(p + 2 * planeBytes), 8);
            store<f32>(q, load<f32>(p + 3 * planeBytes), 12);
          }
        }
        for (; c < cinG; c++) {
          const s = srcRow + (c as usize) * planeBytes;
          const d = dstRow + ((c as usize) << 2);
          for (let w = 0; w < inW; w++) store<f32>(d + (w as usize) * pixel, load<f32>(s + ((w as usize) << 2)));
        }
      }
    }
  }
}

/** Computes one unit of a Winograd job in `workspace` (V, then M, then transform scratch). */
export function winogradUnit(job: usize, u: i32, workspace: usize): void {
  const perGroup = load<i32>(job, J_UNITS_PER_IMAGE_GROUP);
  const g = u / perGroup;
  let local = u - g * perGroup;
  let pair = load<i32>(job, J_W_PAIRS) as usize;
  const last = pair + (load<i32>(job, J_W_PAIR_COUNT) as usize - 1) * WP_SIZE;
  while (pair < last && load<i32>(pair + WP_SIZE, WP_UNIT_START) <= local) pair += WP_SIZE;
  local -= load<i32>(pair, WP_UNIT_START);
  const chunks = load<i32>(job, J_W_CHUNKS);
  const block = local / chunks;
  const chunk = local - block * chunks;
  const T = load<i32>(job, J_W_TILE_BLOCK);
  const t0 = block * T;
  const nt = min(T, load<i32>(pair, WP_TILES) - t0);
  const nn = load<i32>(pair, WP_NH) * load<i32>(pair, WP_NW);
  const cinPad = load<i32>(job, J_W_CIN_PAD);
  const chunkBlocks = load<i32>(job, J_W_CHUNK_BLOCKS);
  const coBlocks = load<i32>(job, J_W_CO_BLOCKS);
  const cb0 = chunk * chunkBlocks;
  const cbs = min(chunkBlocks, coBlocks - cb0);
  const V = workspace;
  const M = workspace + (load<i32>(job, J_W_M_OFFSET) as usize);
  const tmp = workspace + (load<i32>(job, J_W_TMP_OFFSET) as usize);

  for (let t = 0; t < nt; t++) transformInput(job, pair, g, t0 + t, V + ((t * cinPad) as usize << 2), T, tmp);

  // One GEMM per transformed position: M[xi][t][co] over the chunk's channel blocks, 4 tiles a step.
  const vTile = (cinPad as usize) << 2;
  const mTile = ((chunkBlocks << 3) as usize) << 2;
  const panel = (cinPad as usize) << 5;
  const U = (load<i32>(pair, WP_U) as usize) + (g as usize) * (load<i32>(pair, WP_U_GROUP) as usize);
  const steps = (nt + 3) >> 2;
  for (let xi = 0; xi < nn; xi++) {
    const vXi = V + ((xi * T) as usize) * vTile;
    const mXi = M + ((xi * T) as usize) * mTile;
    for (let cb = 0; cb < cbs; cb++) {
      const uPanel = U + ((xi * coBlocks + cb0 + cb) as usize) * panel;
      for (let s = 0; s < steps; s++) {
        gemm8x4(uPanel, cinPad, vXi + ((s << 2) as usize) * vTile, vTile, mXi + ((s << 2) as usize) * mTile + ((cb as usize) << 5), mTile);
      }
    }
  }

  const coutG = load<i32>(job, J_COUT_G);
  const co0 = cb0 << 3;
  const width = min(cbs << 3, coutG - co0);
  for (let t = 0; t < nt; t++) transformOutput(job, pair, g, t0 + t, M + (t as usize) * mTile, T, mTile, co0, width, tmp);
}

// The tile `decodeTile` decoded last: its image, and its row and column among one image's tiles.
// Globals belong to one instance, hence to one thread.
let tileImage: i32 = 0;
let tileRow: i32 = 0;
let tileCol: i32 = 0;

/** Splits a pair's tile index (images, then rows, then columns of tiles) into its parts. */
@inline function decodeTile(pair: usize, tile: i32): void {
  const tilesW = load<i32>(pair, WP_TILES_W);
  const perImage = load<i32>(pair, WP_TILES_H) * tilesW;
  tileImage = tile / perImage;
  const rest = tile - tileImage * perImage;
  tileRow = rest / tilesW;
  tileCol = rest - tileRow * tilesW;
}

/**
 * `dst[q] = sum_k c_k * src[col_k * step + q]` for `vectors` vectors `q`, over one sparse matrix
 * row's terms, up to 4 per pass (each destination vector is stored once per 4 terms).
 */
function combine(dst: usize, row: usize, src: usize, step: usize, vectors: i32): void {
  const count = load<i32>(row);
  const bytes = (vectors as usize) << 4;
  if (count == 0) {
    memory.fill(dst, 0, bytes);
    return;
  }
  for (let e = 0; e < count; e += 4) {
    const term = row + 4 + ((e as usize) << 3);
    const k = min(4, count - e);
    const c0 = v128.load32_splat(term, 4);
    const s0 = src + (load<i32>(term) as usize) * step;
    const c1 = k > 1 ? v128.load32_splat(term, 12) : c0;
    const s1 = k > 1 ? src + (load<i32>(term, 8) as usize) * step : s0;
    const c2 = k > 2 ? v128.load32_splat(term, 20) : c0;
    const s2 = k > 2 ? src + (load<i32>(term, 16) as usize) * step : s0;
    const c3 = k > 3 ? v128.load32_splat(term, 28) : c0;
    const s3 = k > 3 ? src + (load<i32>(term, 24) as usize) * step : s0;
    const zero = f32x4.splat(0);
    const first = e == 0;
    for (let q: usize = 0; q < bytes; q += 16) {
      let acc = first ? zero : v128.load(dst + q);
      acc = madd(acc, c0, v128.load(s0 + q));
      if (k > 1) acc = madd(acc, c1, v128.load(s1 + q));
      if (k > 2) acc = madd(acc, c2, v128.load(s2 + q));
      if (k > 3) acc = madd(acc, c3, v128.load(s3 + q));
      v128.store(dst + q, acc);
    }
  }
}

/**
 * V[xi][tile][ci] = (BTh d BTw^T)[xi] for one tile (`v` points at its row for xi = 0; rows of one
 * xi are `T` tiles apart), each step over all of the group's input channels: first along the rows
 * into `tmp[i][b][ci]`, then along the columns.
 */
function transformInput(job: usize, pair: usize, g: i32, tile: i32, v: usize, T: i32, tmp: usize): void {
  const nh = load<i32>(pair, WP_NH);
  const nw = load<i32>(pair, WP_NW);
  decodeTile(pair, tile);
  const n = tileImage;
  const th = tileRow;
  const tw = tileCol;
  const pixel = load<i32>(job, J_W_PIXEL) as usize;
  const rowBytes = (load<i32>(job, J_W_PAD_W) as usize) * pixel;
  const cinPad = load<i32>(job, J_W_CIN_PAD);
  const row0 = load<i32>(pair, WP_ROW0) + th * load<i32>(pair, WP_MH);
  const col0 = load<i32>(pair, WP_COL0) + tw * load<i32>(pair, WP_MW);
  const base =
    (load<i32>(job, J_INPUT) as usize) + (n as usize) * (load<i32>(job, J_W_IMAGE) as usize) +
    (row0 as usize) * rowBytes + (col0 as usize) * pixel + ((g * cinPad) as usize << 2);
  const btH = load<i32>(pair, WP_BT_H) as usize;
  const btW = load<i32>(pair, WP_BT_W) as usize;
  const vectors = cinPad >> 2;
  const line = (cinPad as usize) << 2;
  for (let i = 0; i < nh; i++) {
    for (let b = 0; b < nw; b++) {
      combine(tmp + ((i * nw + b) as usize) * line, btH + (i as usize) * SP_ROW, base + (b as usize) * pixel, rowBytes, vectors);
    }
  }
  const xiStride = (T as usize) * line;
  for (let i = 0; i < nh; i++) {
    for (let j = 0; j < nw; j++) {
      combine(v + ((i * nw + j) as usize) * xiStride, btW + (j as usize) * SP_ROW, tmp + ((i * nw) as usize) * line, line, vectors);
    }
  }
}

/**
 * Y = ATh M ATw^T for one tile (`m` points at its products for xi = 0, `T` tiles per xi) over the
 * unit's `width` output channels: along the rows into `tmp[i][b][co]`, along the columns into
 * `tmp[mh * nw + i * mw + j][co]`, then plus the bias into the outputs that lie inside the phase
 * pair, channel by channel (planes of a power-of-two size share cache sets: storing one position of
 * every channel at once evicted each line before its neighbours were written).
 */
function transformOutput(
  job: usize, pair: usize, g: i32, tile: i32, m: usize, T: i32, mTile: usize, co0: i32, width: i32, tmp: usize,
): void {
  const nw = load<i32>(pair, WP_NW);
  const mh = load<i32>(pair, WP_MH);
  const mw = load<i32>(pair, WP_MW);
  decodeTile(pair, tile);
  const n = tileImage;
  const th = tileRow;
  const tw = tileCol;
  const rowsIn = min(mh, load<i32>(pair, WP_ROWS) - th * mh);
  const colsIn = min(mw, load<i32>(pair, WP_COLS) - tw * mw);
  const atH = load<i32>(pair, WP_AT_H) as usize;
  const atW = load<i32>(pair, WP_AT_W) as usize;
  const xiStride = (T as usize) * mTile;
  const vectors = (width + 3) >> 2;
  for (let i = 0; i < rowsIn; i++) {
    for (let b = 0; b < nw; b++) {
      combine(
        tmp + ((i * nw + b) as usize) * mTile, atH + (i as usize) * SP_ROW, m + (b as usize) * xiStride,
        (nw as usize) * xiStride, vectors,
      );
    }
  }
  const y = tmp + ((mh * nw) as usize) * mTile;
  for (let i = 0; i < rowsIn; i++) {
    for (let j = 0; j < colsIn; j++) {
      combine(y + ((i * mw + j) as usize) * mTile, atW + (j as usize) * SP_ROW, tmp + ((i * nw) as usize) * mTile, mTile, vectors);
    }
  }

  const rowStep = load<i32>(job, J_ROW_STEP) as usize;
  const colStep = load<i32>(job, J_COL_STEP) as usize;
  const outPlane = load<i32>(job, J_OUT_PLANE) as usize;
  const coutG = load<i32>(job, J_COUT_G);
  const out =
    (load<i32>(job, J_OUTPUT) as usize) + (n as usize) * (load<i32>(job, J_OUT_IMAGE_STRIDE) as usize) +
    ((g * coutG + co0) as usize) * outPlane + (load<i32>(pair, WP_OUT_OFFSET) as usize) +
    ((th * mh) as usize) * rowStep + ((tw * mw) as usize) * colStep;
  const biasPtr = load<i32>(job, J_BIAS);
  const bias = biasPtr ? (biasPtr as usize) + (((g * coutG + co0) as usize) << 2) : 0;
  const positionRow = (mw as usize) * mTile;
  for (let c = 0; c < width; c++) {
    const b = bias ? load<f32>(bias + ((c as usize) << 2)) : 0;
    const plane = out + (c as usize) * outPlane;
    const column = y + ((c as usize) << 2);
    for (let i = 0; i < rowsIn; i++) {
      const src = column + (i as usize) * positionRow;
      const dst = plane + (i as usize) * rowStep;
      for (let j = 0; j < colsIn; j++) store<f32>(dst + (j as usize) * colStep, load<f32>(src + (j as usize) * mTile) + b);
    }
  }
}

/**
 * 8 output channels x 4 tiles: `m[t][0..8] = sum over ci of u[ci][0..8] * v[t][ci]`, with the
 * panel's 8 channels as two vectors and each tile's input splat.
 */
function gemm8x4(u: usize, cin: i32, v: usize, vTile: usize, m: usize, mTile: usize): void {
  let a0 = f32x4.splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  const end = u + ((cin as usize) << 5);
  let p = v;
  for (let w = u; w < end; w += 32) {
    const u0 = v128.load(w);
    const u1 = v128.load(w, 16);
    const x0 = v128.load32_splat(p);
    a0 = madd(a0, u0, x0);
    a1 = madd(a1, u1, x0);
    const x1 = v128.load32_splat(p + vTile);
    b0 = madd(b0, u0, x1);
    b1 = madd(b1, u1, x1);
    const x2 = v128.load32_splat(p + 2 * vTile);
    c0 = madd(c0, u0, x2);
    c1 = madd(c1, u1, x2);
    const x3 = v128.load32_splat(p + 3 * vTile);
    d0 = madd(d0, u0, x3);
    d1 = madd(d1, u1, x3);
    p += 4;
  }
  v128.store(m, a0);
  v128.store(m, a1, 16);
  v128.store(m + mTile, b0);
  v128.store(m + mTile, b1, 16);
  v128.store(m + 2 * mTile, c0);
  v128.store(m + 2 * mTile, c1, 16);
  v128.store(m + 3 * mTile, d0);
  v128.store(m + 3 * mTile, d1, 16);
}
