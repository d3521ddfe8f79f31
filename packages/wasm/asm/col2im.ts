// GEMM-then-col2im for layers with few output channels per group (Cout_g <= 3, e.g. fsrcnn's 1 or an
// RGB output): the gather kernels block 4 output channels, so with 1-3 they are bound by input loads,
// while the transposed weights have Cout_g * kH * kW rows to block.
//
// A unit is one index `jr` of every row phase of one image and group. Row tap `k` of a phase reads
// input row `jr + d`, with `d` its `inputStart`; the taps sharing a `d` form a row group, whose kernel
// rows (kh, co, kw) times that input row (Cin_g x width) are one GEMM into the thread's workspace.
// The GEMM reads the raw NCHW input in place: a row above or below the input gives zero rows, and
// the workspace columns left and right of the input stay zero, so no padded copy is needed. Every
// (kh, input row) product is needed by exactly one output row, so units share nothing and no
// product is computed twice. Then each output of the unit's rows sums its tap pairs
// from the workspace in a fixed order: results do not depend on the thread count.

import {
  J_UNITS_PER_IMAGE_GROUP, J_GROUPS, J_INPUT, J_IN_IMAGE_STRIDE, J_IN_GROUP_STRIDE, J_IN_ROW_STRIDE,
  J_IN_PLANE_STRIDE, J_IN_H, J_IN_W, J_OUTPUT, J_OUT_IMAGE_STRIDE, J_OUT_PLANE, J_COUT_G, J_BIAS, J_ROW_STEP, J_COL_STEP,
  J_PHASES, J_PHASE_COUNT, J_WS_ROW, J_GEMM_STEPS, J_CIN_G, J_ROW_GROUPS, J_ROW_GROUP_COUNT, J_WS_CHANNEL,
  J_ROWS_READY, G_START, G_WEIGHTS, G_WEIGHTS_GROUP_STRIDE, G_BLOCKS, G_ROWS, G_WS, G_SIZE,
  P_ROW_COUNT, P_COL_COUNT, P_K, P_OFFSETS, P_OUT_OFFSET, P_SIZE,
} from './layout';
import { madd } from './madd';

export function col2imUnit(job: usize, u: i32, workspace: usize): void {
  const perImageGroup = load<i32>(job, J_UNITS_PER_IMAGE_GROUP);
  const groups = load<i32>(job, J_GROUPS);
  const imageGroup = u / perImageGroup;
  const jr = u - imageGroup * perImageGroup;
  const n = imageGroup / groups;
  const g = imageGroup - n * groups;

  const input =
    (load<i32>(job, J_INPUT) as usize) +
    (n as usize) * (load<i32>(job, J_IN_IMAGE_STRIDE) as usize) +
    (g as usize) * (load<i32>(job, J_IN_GROUP_STRIDE) as usize);
  const rowBytes = load<i32>(job, J_IN_ROW_STRIDE) as usize;
  const planeStride = load<i32>(job, J_IN_PLANE_STRIDE) as usize;
  const inH = load<i32>(job, J_IN_H);
  const cinG = load<i32>(job, J_CIN_G);
  const wsRow = load<i32>(job, J_WS_ROW) as usize;
  const steps = load<i32>(job, J_GEMM_STEPS);
  const gemmBytes = (steps as usize) << 5;
  // The last 8-pixel step runs past the row's end (into the next row, or the buffer's slack).
  const tailBytes = gemmBytes - ((load<i32>(job, J_IN_W) as usize) << 2);
  let group = load<i32>(job, J_ROW_GROUPS) as usize;
  const groupsEnd = group + (load<i32>(job, J_ROW_GROUP_COUNT) as usize) * G_SIZE;
  if (ASC_FEATURE_THREADS) {
    // The calling thread may still be copying the input in, image by image and row by row: wait for
    // the last row this unit reads (row groups are sorted by their input offset).
    const last = min(inH, jr + load<i32>(groupsEnd - G_SIZE, G_START) + 1);
    const needed = n * inH + last;
    while (atomic.load<i32>(job + J_ROWS_READY) < needed) {}
  }
  for (; group < groupsEnd; group += G_SIZE) {
    const ws = workspace + (load<i32>(group, G_WS) as usize);
    const rows = load<i32>(group, G_ROWS);
    const row = jr + load<i32>(group, G_START);
    if (row < 0 || row >= inH) {
      // Taps outside the input have no products (not 0 * w, which is NaN for an infinite weight).
      for (let r = 0; r < rows; r++) memory.fill(ws + (r as usize) * wsRow, 0, gemmBytes);
      continue;
    }
    const weights =
      (load<i32>(group, G_WEIGHTS) as usize) + (g as usize) * (load<i32>(group, G_WEIGHTS_GROUP_STRIDE) as usize);
    gemm(
      input + (row as usize) * rowBytes, planeStride, cinG, weights, load<i32>(group, G_BLOCKS), rows, ws, wsRow,
      steps,
    );
    if (tailBytes) {
      // Those columns lie right of the input: zero, as the taps that read them must see.
      const tail = ws + gemmBytes - tailBytes;
      for (let r = 0; r < rows; r++) memory.fill(tail + (r as usize) * wsRow, 0, tailBytes);
    }
  }

  const coutG = load<i32>(job, J_COUT_G);
  const outPlane = load<i32>(job, J_OUT_PLANE) as usize;
  const output =
    (load<i32>(job, J_OUTPUT) as usize) +
    (n as usize) * (load<i32>(job, J_OUT_IMAGE_STRIDE) as usize) +
    ((g * coutG) as usize) * outPlane +
    (jr as usize) * (load<i32>(job, J_ROW_STEP) as usize);
  const biasPtr = load<i32>(job, J_BIAS) as usize;
  const bias = biasPtr ? biasPtr + (((g * coutG) as usize) << 2) : 0;
  const colStep = load<i32>(job, J_COL_STEP) as usize;
  const wsChannel = load<i32>(job, J_WS_CHANNEL) as usize;
  let phase = load<i32>(job, J_PHASES) as usize;
  const phasesEnd = phase + (load<i32>(job, J_PHASE_COUNT) as usize) * P_SIZE;
  for (; phase < phasesEnd; phase += P_SIZE) {
    if (jr >= load<i32>(phase, P_ROW_COUNT)) continue;
    const offsets = load<i32>(phase, P_OFFSETS) as usize;
    const pairsEnd = offsets + ((load<i32>(phase, P_K) as usize) << 2);
    const cols = load<i32>(phase, P_COL_COUNT);
    const out = output + (load<i32>(phase, P_OUT_OFFSET) as usize);
    for (let co = 0; co < coutG; co++) {
      const b = bias ? v128.load32_splat(bias + ((co as usize) << 2)) : f32x4.splat(0);
      sumPairs(
        workspace + (co as usize) * wsChannel, offsets, pairsEnd, b, out + (co as usize) * outPlane, colStep, cols,
      );
    }
  }
}

/**
 * Workspace rows `[block * 4 + r]` = packed weight rows times one input row, reduced over the group's
 * input channels (planes `planeStride` bytes apart). `rows` is the group's row count: its last block
 * skips the zero rows' multiply-adds (fsrcnn's groups have 18, 27 and 9 rows).
 */
function gemm(
  input: usize, planeStride: usize, cinG: i32, weights: usize, blocks: i32, rows: i32, dst: usize, wsRow: usize,
  steps: i32,
): void {
  const panelBytes = (cinG as usize) << 4;
  for (let block = 0; block < blocks; block++) {
    const panel = weights + (block as usize) * panelBytes;
    const out = dst + (((block as usize) * wsRow) << 2);
    const left = rows - (block << 2);
    if (left >= 4) gemmBlock(input, planeStride, panel, panelBytes, out, wsRow, steps, 4);
    else if (left == 3) gemmBlock(input, planeStride, panel, panelBytes, out, wsRow, steps, 3);
    else if (left == 2) gemmBlock(input, planeStride, panel, panelBytes, out, wsRow, steps, 2);
    else gemmBlock(input, planeStride, panel, panelBytes, out, wsRow, steps, 1);
  }
}

/** One block of (up to) 4 rows, 8 pixels per step; `rows` is a constant at each call, so unused rows vanish. */
@inline function gemmBlock(
  input: usize, planeStride: usize, panel: usize, panelBytes: usize, out: usize, wsRow: usize, steps: i32,
  rows: i32,
): void {
  const panelEnd = panel + panelBytes;
  for (let s = 0; s < steps; s++) {
    let p = input + ((s as usize) << 5);
    let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (let w = panel; w < panelEnd; w += 16) {
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      const w0 = v128.load32_splat(w);
      c00 = madd(c00, w0, x0);
      c01 = madd(c01, w0, x1);
      if (rows > 1) {
        const w1 = v128.load32_splat(w, 4);
        c10 = madd(c10, w1, x0);
        c11 = madd(c11, w1, x1);
      }
      if (rows > 2) {
        const w2 = v128.load32_splat(w, 8);
        c20 = madd(c20, w2, x0);
        c21 = madd(c21, w2, x1);
      }
      if (rows > 3) {
        const w3 = v128.load32_splat(w, 12);
        c30 = madd(c30, w3, x0);
        c31 = madd(c31, w3, x1);
      }
      p += planeStride;
    }
    // The rows past `rows` are never read: only the group's own rows have tap pairs.
    const d = out + ((s as usize) << 5);
    v128.store(d, c00);
    v128.store(d, c01, 16);
    if (rows > 1) {
      v128.store(d + wsRow, c10);
      v128.store(d + wsRow, c11, 16);
    }
    if (rows > 2) {
      v128.store(d + 2 * wsRow, c20);
      v128.store(d + 2 * wsRow, c21, 16);
    }
    if (rows > 3) {
      v128.store(d + 3 * wsRow, c30);
      v128.store(d + 3 * wsRow, c31, 16);
    }
  }
}

/** One output row of one phase and channel: bias plus every tap pair's workspace value, in pair order. */
function sumPairs(
  ws: usize, offsets: usize, pairsEnd: usize, bias: v128, out: usize, colStep: usize, cols: i32,
): void {
  for (let j = 0; j < cols; j += 4) {
    const a = ws + ((j as usize) << 2);
    let acc = bias;
    for (let o = offsets; o < pairsEnd; o += 4) acc = f32x4.add(acc, v128.load(a + (load<i32>(o) as usize)));
    const dst = out + (j as usize) * colStep;
    if (colStep == 4 && j + 4 <= cols) {
      v128.store(dst, acc);
      continue;
    }
    const left = cols - j;
    store<f32>(dst, f32x4.extract_lane(acc, 0));
    if (left > 1) store<f32>(dst + colStep, f32x4.extract_lane(acc, 1));
    if (left > 2) store<f32>(dst + 2 * colStep, f32x4.extract_lane(acc, 2));
    if (left > 3) store<f32>(dst + 3 * colStep, f32x4.extract_lane(acc, 3));
  }
}
