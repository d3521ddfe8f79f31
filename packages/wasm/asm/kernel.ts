// ConvTranspose2d kernels: the gather form per output phase as an implicit GEMM.
//
// The host (src/job.ts) writes one job struct and a table of phase records into memory, then every
// thread calls `run(job)`, the calling thread after `pad(job)`. Workers wait (blocked, not spinning)
// until the input is padded, then every thread claims chunks of work units from a shared counter; a
// unit is one or two output rows of one phase for one block of output channels (col2im jobs, for 1-3
// output channels per group, have units of their own: asm/col2im.ts). Every output is
// computed by exactly one thread with the same instruction sequence: results do not depend on the
// thread count.
//
// The padded input is wide enough that every tap of every phase reads inside it for every computed
// pixel, including the vector tail: the inner loops have no bounds tests.

import {
  J_UNITS, J_CHUNK, J_COUNTER, J_GROUPS, J_UNITS_PER_IMAGE_GROUP, J_PHASE_COUNT, J_PHASES, J_INPUT,
  J_IN_IMAGE_STRIDE, J_IN_GROUP_STRIDE, J_IN_ROW_STRIDE, J_OUTPUT, J_OUT_IMAGE_STRIDE, J_OUT_ROW_STRIDE,
  J_OUT_PLANE, J_COUT_G, J_MR, J_BIAS, J_ROW_STEP, J_COL_STEP, J_CO_BLOCKS, J_RAW, J_PLANES, J_IN_H, J_IN_W,
  J_PAD_H, J_PAD_TOP, J_PAD_LEFT, J_IN_PLANE_STRIDE, J_ROW_MAJOR, J_PADDED, P_UNIT_START, P_ROW_COUNT,
  P_COL_COUNT, P_K, P_OFFSETS, P_WEIGHTS, P_WEIGHTS_GROUP_STRIDE, P_OUT_OFFSET, P_ROW_UNITS, P_ROWS_PER_UNIT,
  P_PARTNER, P_TAPS, P_SIZE, J_MODE, J_SLOTS, J_WORKSPACE, J_WS_BYTES, J_CIN_G,
} from './layout';
import { col2imUnit } from './col2im';
import { padNhwc, winogradUnit } from './winograd';
import { madd } from './madd';

/** Loads of the padded flag before a worker sleeps: well under a millisecond. */
const PAD_SPINS = 200_000;

@inline function claim(counter: usize, chunk: i32): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(counter, chunk);
  const start = load<i32>(counter);
  store<i32>(counter, start + chunk);
  return start;
}

/** Input rows up to this many bytes are copied by a vector loop: bulk-memory calls cost more per row. */
const SHORT_ROW_BYTES: usize = 512;

/** Copies raw NCHW plane `c` into the zero-padded layout the kernels read. */
function padPlane(job: usize, c: i32): void {
  const inH = load<i32>(job, J_IN_H);
  const top = load<i32>(job, J_PAD_TOP);
  const left = load<i32>(job, J_PAD_LEFT) as usize;
  const rowBytes = load<i32>(job, J_IN_ROW_STRIDE) as usize;
  const copyBytes = (load<i32>(job, J_IN_W) as usize) << 2;
  const rightBytes = rowBytes - (left << 2) - copyBytes;
  const plane = (load<i32>(job, J_INPUT) as usize) + (c as usize) * (load<i32>(job, J_IN_PLANE_STRIDE) as usize);
  const src = (load<i32>(job, J_RAW) as usize) + (c as usize) * (inH as usize) * copyBytes;
  const padH = load<i32>(job, J_PAD_H);
  if (copyBytes <= SHORT_ROW_BYTES) {
    // Small planes: one fill for the plane's zeros, then each row by vectors.
    memory.fill(plane, 0, rowBytes * (padH as usize));
    for (let h = 0; h < inH; h++) {
      copyShortRow(plane + ((h + top) as usize) * rowBytes + (left << 2), src + (h as usize) * copyBytes, copyBytes);
    }
    return;
  }
  memory.fill(plane, 0, rowBytes * (top as usize));
  for (let h = 0; h < inH; h++) {
    const row = plane + ((h + top) as usize) * rowBytes;
    if (left) memory.fill(row, 0, left << 2);
    memory.copy(row + (left << 2), src + (h as usize) * copyBytes, copyBytes);
    if (rightBytes) memory.fill(row + (left << 2) + copyBytes, 0, rightBytes);
  }
  const below = padH - top - inH;
  if (below > 0) memory.fill(plane + ((top + inH) as usize) * rowBytes, 0, rowBytes * (below as usize));
}

@inline function copyShortRow(dst: usize, src: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
}

/**
 * Pads the input (col2im jobs read it as it is), on the calling thread only, and wakes the workers
 * waiting for it. Padding is a small part of a job; a thread that waits for others cannot yield
 * inside wasm, and on the main thread of a browser it cannot block either, so the caller never
 * waits for a worker here.
 */
export function pad(job: usize): void {
  const mode = load<i32>(job, J_MODE);
  if (mode == 2) padNhwc(job);
  else if (mode == 0) {
    const planes = load<i32>(job, J_PLANES);
    for (let c = 0; c < planes; c++) padPlane(job, c);
  }
  if (ASC_FEATURE_THREADS) {
    atomic.store<i32>(job + J_PADDED, 1);
    atomic.notify(job + J_PADDED, -1);
  }
}

/**
 * Whether the `count` floats at `ptr` are all finite: `v * 0` is 0 for finite `v` and NaN otherwise,
 * and NaN survives the sums. Four vector sums, so the adds do not wait on each other.
 */
export function allFinite(ptr: usize, count: i32): bool {
  const zero = f32x4.splat(0);
  let a = zero, b = zero, c = zero, d = zero;
  const end = ptr + ((count as usize) << 2);
  let p = ptr;
  for (; p + 64 <= end; p += 64) {
    a = f32x4.add(a, f32x4.mul(v128.load(p), zero));
    b = f32x4.add(b, f32x4.mul(v128.load(p, 16), zero));
    c = f32x4.add(c, f32x4.mul(v128.load(p, 32), zero));
    d = f32x4.add(d, f32x4.mul(v128.load(p, 48), zero));
  }
  let rest: f32 = 0;
  for (; p < end; p += 4) rest += load<f32>(p) * 0;
  const sum = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
  return rest == 0 && i32x4.all_true(f32x4.eq(sum, zero));
}

/** Computes work units claimed from the job's counter until none are left (after `pad`). */
export function run(job: usize): void {
  if (ASC_FEATURE_THREADS) {
    // Spin a while before sleeping: padding takes tens to hundreds of microseconds, and waking a
    // sleeping thread (on a virtual machine, its idle core too) costs about as much.
    for (let spins = 0; spins < PAD_SPINS && atomic.load<i32>(job + J_PADDED) == 0; spins++) {}
    while (atomic.load<i32>(job + J_PADDED) == 0) atomic.wait<i32>(job + J_PADDED, 0, -1);
  }
  const units = load<i32>(job, J_UNITS);
  const chunk = load<i32>(job, J_CHUNK);
  const mode = load<i32>(job, J_MODE);
  // Col2im and Winograd units need scratch space: each thread that enters takes a workspace of its
  // own. Col2im's is zeroed once: its GEMM never writes the columns of the padding, whose products
  // are zero.
  const wsBytes = load<i32>(job, J_WS_BYTES) as usize;
  const workspace = mode ? (load<i32>(job, J_WORKSPACE) as usize) + (claim(job + J_SLOTS, 1) as usize) * wsBytes : 0;
  if (mode == 1) memory.fill(workspace, 0, wsBytes);
  while (true) {
    const start = claim(job + J_COUNTER, chunk);
    if (start >= units) return;
    const end = min(start + chunk, units);
    if (mode == 1) for (let u = start; u < end; u++) col2imUnit(job, u, workspace);
    else if (mode == 2) for (let u = start; u < end; u++) winogradUnit(job, u, workspace);
    else for (let u = start; u < end; u++) unit(job, u);
  }
}

function unit(job: usize, u: i32): void {
  const perImageGroup = load<i32>(job, J_UNITS_PER_IMAGE_GROUP);
  const groups = load<i32>(job, J_GROUPS);
  const imageGroup = u / perImageGroup;
  let local = u - imageGroup * perImageGroup;
  const n = imageGroup / groups;
  const g = imageGroup - n * groups;

  // Find the phase holding this unit (a handful of phases: linear search).
  let phase = load<i32>(job, J_PHASES) as usize;
  const last = phase + (load<i32>(job, J_PHASE_COUNT) as usize - 1) * P_SIZE;
  while (phase < last && load<i32>(phase + P_SIZE, P_UNIT_START) <= local) phase += P_SIZE;
  local -= load<i32>(phase, P_UNIT_START);
  const rows = load<i32>(phase, P_ROW_COUNT);
  const rowUnits = load<i32>(phase, P_ROW_UNITS);
  const blocks = load<i32>(job, J_CO_BLOCKS);
  let block: i32, rowUnit: i32;
  if (load<i32>(job, J_ROW_MAJOR)) {
    rowUnit = local / blocks;
    block = local - rowUnit * blocks;
  } else {
    block = local / rowUnits;
    rowUnit = local - block * rowUnits;
  }
  const paired = load<i32>(phase, P_ROWS_PER_UNIT) == 2;
  const jr = paired ? rowUnit << 1 : rowUnit;

  const mr = load<i32>(job, J_MR);
  const coutG = load<i32>(job, J_COUT_G);
  const co = block * mr;
  const input =
    (load<i32>(job, J_INPUT) as usize) +
    (n as usize) * (load<i32>(job, J_IN_IMAGE_STRIDE) as usize) +
    (g as usize) * (load<i32>(job, J_IN_GROUP_STRIDE) as usize) +
    (jr as usize) * (load<i32>(job, J_IN_ROW_STRIDE) as usize);
  const outPlane = load<i32>(job, J_OUT_PLANE) as usize;
  const output =
    (load<i32>(job, J_OUTPUT) as usize) +
    (n as usize) * (load<i32>(job, J_OUT_IMAGE_STRIDE) as usize) +
    ((g * coutG + co) as usize) * outPlane +
    (jr as usize) * (load<i32>(job, J_ROW_STEP) as usize) +
    (load<i32>(phase, P_OUT_OFFSET) as usize);
  const k = load<i32>(phase, P_K);
  const offsets = load<i32>(phase, P_OFFSETS) as usize;
  const taps = load<i32>(phase, P_TAPS);
  const cin = load<i32>(job, J_CIN_G);
  const plane = load<i32>(job, J_IN_PLANE_STRIDE) as usize;
  const kBytes = ((k * mr) as usize) << 2;
  const weights =
    (load<i32>(phase, P_WEIGHTS) as usize) +
    (g as usize) * (load<i32>(phase, P_WEIGHTS_GROUP_STRIDE) as usize) +
    (block as usize) * kBytes;
  const biasPtr = load<i32>(job, J_BIAS) as usize;
  const bias = biasPtr ? biasPtr + (((g * blocks + block) * mr) as usize << 2) : 0;
  const cols = load<i32>(phase, P_COL_COUNT);
  const colStep = load<i32>(job, J_COL_STEP) as usize;
  const partner = load<i32>(phase, P_PARTNER) as usize;
  if (partner) {
    const partnerWeights =
      (load<i32>(partner, P_WEIGHTS) as usize) + (g as usize) * (load<i32>(partner, P_WEIGHTS_GROUP_STRIDE) as usize);
    rowMr1Interleaved(
      input, offsets, k, weights, load<i32>(partner, P_OFFSETS) as usize, load<i32>(partner, P_K), partnerWeights,
      bias, output, cols,
    );
  } else if (paired) {
    const inRow = load<i32>(job, J_IN_ROW_STRIDE) as usize;
    const outRow = load<i32>(job, J_ROW_STEP) as usize;
    const second = jr + 1 < rows;
    rowPairMr4(
      input, inRow, offsets, taps, cin, plane, weights, bias, output, outRow, outPlane, colStep, cols,
      min(4, coutG - co), second,
    );
  } else if (mr == 4 && coutG - co == 3) {
    rowMr3(input, offsets, taps, cin, plane, weights, bias, output, outPlane, colStep, cols);
  } else if (mr == 4) {
    rowMr4(input, offsets, taps, cin, plane, weights, bias, output, outPlane, colStep, cols, min(4, coutG - co));
  } else {
    rowMr1(input, offsets, k, weights, bias, output, colStep, cols);
  }
}

/** 4 output channels x 8 pixels per step; pixels are consecutive in the input row. */
function rowMr4(
  input: usize, offsets: usize, taps: i32, cin: i32, plane: usize, weights: usize, bias: usize,
  output: usize, outPlane: usize, colStep: usize, cols: i32, channels: i32,
): void {
  const end = offsets + ((taps as usize) << 2);
  const run = (cin as usize) * plane;
  let b0 = f32x4.splat(0), b1 = b0, b2 = b0, b3 = b0;
  if (bias) {
    b0 = v128.load32_splat(bias);
    b1 = v128.load32_splat(bias, 4);
    b2 = v128.load32_splat(bias, 8);
    b3 = v128.load32_splat(bias, 12);
  }
  // Steps of 8 pixels while more than 4 remain, then at most one step of 4 (narrow phases, tails).
  let j = 0;
  for (; j + 4 < cols; j += 8) {
    const a = input + ((j as usize) << 2);
    let c00 = b0, c01 = b0, c10 = b1, c11 = b1, c20 = b2, c21 = b2, c30 = b3, c31 = b3;
    let w = weights;
    for (let o = offsets; o < end; o += 4) {
      const first = a + (load<i32>(o) as usize);
      for (let p = first; p < first + run; p += plane) {
        const x0 = v128.load(p);
        const x1 = v128.load(p, 16);
        const w0 = v128.load32_splat(w);
        c00 = madd(c00, w0, x0);
        c01 = madd(c01, w0, x1);
        const w1 = v128.load32_splat(w, 4);
        c10 = madd(c10, w1, x0);
        c11 = madd(c11, w1, x1);
        const w2 = v128.load32_splat(w, 8);
        c20 = madd(c20, w2, x0);
        c21 = madd(c21, w2, x1);
        const w3 = v128.load32_splat(w, 12);
        c30 = madd(c30, w3, x0);
        c31 = madd(c31, w3, x1);
        w += 16;
      }
    }
    const n = min(8, cols - j);
    const out = output + (j as usize) * colStep;
    storePixels(out, colStep, n, c00, c01);
    if (channels > 1) storePixels(out + outPlane, colStep, n, c10, c11);
    if (channels > 2) storePixels(out + 2 * outPlane, colStep, n, c20, c21);
    if (channels > 3) storePixels(out + 3 * outPlane, colStep, n, c30, c31);
  }
  if (j < cols) {
    const a = input + ((j as usize) << 2);
    let c0 = b0, c1 = b1, c2 = b2, c3 = b3;
    let w = weights;
    for (let o = offsets; o < end; o += 4) {
      const first = a + (load<i32>(o) as usize);
      for (let p = first; p < first + run; p += plane) {
        const x = v128.load(p);
        c0 = madd(c0, v128.load32_splat(w), x);
        c1 = madd(c1, v128.load32_splat(w, 4), x);
        c2 = madd(c2, v128.load32_splat(w, 8), x);
        c3 = madd(c3, v128.load32_splat(w, 12), x);
        w += 16;
      }
    }
    const n = cols - j;
    const out = output + (j as usize) * colStep;
    store4(out, colStep, n, c0);
    if (channels > 1) store4(out + outPlane, colStep, n, c1);
    if (channels > 2) store4(out + 2 * outPlane, colStep, n, c2);
    if (channels > 3) store4(out + 3 * outPlane, colStep, n, c3);
  }
}

/**
 * A block with 3 output channels (RGB outputs: `Cout = 3`, or the last block of `Cout = 4n + 3`): the
 * 4 x 8 kernel without the padding channel's multiply-adds. Same panels, same sums per output.
 */
function rowMr3(
  input: usize, offsets: usize, taps: i32, cin: i32, plane: usize, weights: usize, bias: usize,
  output: usize, outPlane: usize, colStep: usize, cols: i32,
): void {
  const end = offsets + ((taps as usize) << 2);
  const run = (cin as usize) * plane;
  let b0 = f32x4.splat(0), b1 = b0, b2 = b0;
  if (bias) {
    b0 = v128.load32_splat(bias);
    b1 = v128.load32_splat(bias, 4);
    b2 = v128.load32_splat(bias, 8);
  }
  let j = 0;
  for (; j + 4 < cols; j += 8) {
    const a = input + ((j as usize) << 2);
    let c00 = b0, c01 = b0, c10 = b1, c11 = b1, c20 = b2, c21 = b2;
    let w = weights;
    for (let o = offsets; o < end; o += 4) {
      const first = a + (load<i32>(o) as usize);
      for (let p = first; p < first + run; p += plane) {
        const x0 = v128.load(p);
        const x1 = v128.load(p, 16);
        const w0 = v128.load32_splat(w);
        c00 = madd(c00, w0, x0);
        c01 = madd(c01, w0, x1);
        const w1 = v128.load32_splat(w, 4);
        c10 = madd(c10, w1, x0);
        c11 = madd(c11, w1, x1);
        const w2 = v128.load32_splat(w, 8);
        c20 = madd(c20, w2, x0);
        c21 = madd(c21, w2, x1);
        w += 16;
      }
    }
    const n = min(8, cols - j);
    const out = output + (j as usize) * colStep;
    storePixels(out, colStep, n, c00, c01);
    storePixels(out + outPlane, colStep, n, c10, c11);
    storePixels(out + 2 * outPlane, colStep, n, c20, c21);
  }
  if (j < cols) {
    const a = input + ((j as usize) << 2);
    let c0 = b0, c1 = b1, c2 = b2;
    let w = weights;
    for (let o = offsets; o < end; o += 4) {
      const first = a + (load<i32>(o) as usize);
      for (let p = first; p < first + run; p += plane) {
        const x = v128.load(p);
        c0 = madd(c0, v128.load32_splat(w), x);
        c1 = madd(c1, v128.load32_splat(w, 4), x);
        c2 = madd(c2, v128.load32_splat(w, 8), x);
        w += 16;
      }
    }
    const n = cols - j;
    const out = output + (j as usize) * colStep;
    store4(out, colStep, n, c0);
    store4(out + outPlane, colStep, n, c1);
    store4(out + 2 * outPlane, colStep, n, c2);
  }
}

/**
 * 4 output channels x 2 rows x 4 pixels: phases at most 4 pixels wide (small images) still fill the
 * 8 accumulators. The second row is computed into padding and dropped when `second` is false.
 */
function rowPairMr4(
  input: usize, inRow: usize, offsets: usize, taps: i32, cin: i32, plane: usize, weights: usize, bias: usize,
  output: usize, outRow: usize, outPlane: usize, colStep: usize, cols: i32, channels: i32, second: bool,
): void {
  const end = offsets + ((taps as usize) << 2);
  const run = (cin as usize) * plane;
  let c00 = f32x4.splat(0), c10 = c00, c20 = c00, c30 = c00;
  if (bias) {
    c00 = v128.load32_splat(bias);
    c10 = v128.load32_splat(bias, 4);
    c20 = v128.load32_splat(bias, 8);
    c30 = v128.load32_splat(bias, 12);
  }
  let c01 = c00, c11 = c10, c21 = c20, c31 = c30;
  let w = weights;
  for (let o = offsets; o < end; o += 4) {
    const first = input + (load<i32>(o) as usize);
    for (let p = first; p < first + run; p += plane) {
      const x0 = v128.load(p);
      const x1 = v128.load(p + inRow);
      const w0 = v128.load32_splat(w);
      c00 = madd(c00, w0, x0);
      c01 = madd(c01, w0, x1);
      const w1 = v128.load32_splat(w, 4);
      c10 = madd(c10, w1, x0);
      c11 = madd(c11, w1, x1);
      const w2 = v128.load32_splat(w, 8);
      c20 = madd(c20, w2, x0);
      c21 = madd(c21, w2, x1);
      const w3 = v128.load32_splat(w, 12);
      c30 = madd(c30, w3, x0);
      c31 = madd(c31, w3, x1);
      w += 16;
    }
  }
  store4(output, colStep, cols, c00);
  if (channels > 1) store4(output + outPlane, colStep, cols, c10);
  if (channels > 2) store4(output + 2 * outPlane, colStep, cols, c20);
  if (channels > 3) store4(output + 3 * outPlane, colStep, cols, c30);
  if (!second) return;
  const out = output + outRow;
  store4(out, colStep, cols, c01);
  if (channels > 1) store4(out + outPlane, colStep, cols, c11);
  if (channels > 2) store4(out + 2 * outPlane, colStep, cols, c21);
  if (channels > 3) store4(out + 3 * outPlane, colStep, cols, c31);
}

/** 1 output channel x 16 pixels per step (one channel per group: depthwise, Cout = 1). */
function rowMr1(
  input: usize, offsets: usize, k: i32, weights: usize, bias: usize,
  output: usize, colStep: usize, cols: i32,
): void {
  const end = offsets + ((k as usize) << 2);
  const b = bias ? v128.load32_splat(bias) : f32x4.splat(0);
  for (let j = 0; j < cols; j += 16) {
    const a = input + ((j as usize) << 2);
    let c0 = b, c1 = b, c2 = b, c3 = b;
    let w = weights;
    for (let o = offsets; o < end; o += 4) {
      const p = a + (load<i32>(o) as usize);
      const w0 = v128.load32_splat(w);
      c0 = madd(c0, w0, v128.load(p));
      c1 = madd(c1, w0, v128.load(p, 16));
      c2 = madd(c2, w0, v128.load(p, 32));
      c3 = madd(c3, w0, v128.load(p, 48));
      w += 4;
    }
    const n = cols - j;
    const out = output + (j as usize) * colStep;
    storePixels(out, colStep, min(8, n), c0, c1);
    if (n > 8) storePixels(out + 8 * colStep, colStep, min(8, n - 8), c2, c3);
  }
}

/**
 * Two column phases of stride 2 at once, one output channel: 16 pixels of each, interleaved with
 * shuffles so that the output row is stored as whole vectors instead of lane by lane.
 */
function rowMr1Interleaved(
  input: usize, offsetsA: usize, kA: i32, weightsA: usize, offsetsB: usize, kB: i32, weightsB: usize,
  bias: usize, output: usize, cols: i32,
): void {
  const endA = offsetsA + ((kA as usize) << 2);
  const endB = offsetsB + ((kB as usize) << 2);
  const b = bias ? v128.load32_splat(bias) : f32x4.splat(0);
  for (let j = 0; j < cols; j += 16) {
    const a = input + ((j as usize) << 2);
    let a0 = b, a1 = b, a2 = b, a3 = b;
    let w = weightsA;
    for (let o = offsetsA; o < endA; o += 4) {
      const p = a + (load<i32>(o) as usize);
      const w0 = v128.load32_splat(w);
      a0 = madd(a0, w0, v128.load(p));
      a1 = madd(a1, w0, v128.load(p, 16));
      a2 = madd(a2, w0, v128.load(p, 32));
      a3 = madd(a3, w0, v128.load(p, 48));
      w += 4;
    }
    let b0 = b, b1 = b, b2 = b, b3 = b;
    w = weightsB;
    for (let o = offsetsB; o < endB; o += 4) {
      const p = a + (load<i32>(o) as usize);
      const w0 = v128.load32_splat(w);
      b0 = madd(b0, w0, v128.load(p));
      b1 = madd(b1, w0, v128.load(p, 16));
      b2 = madd(b2, w0, v128.load(p, 32));
      b3 = madd(b3, w0, v128.load(p, 48));
      w += 4;
    }
    const n = cols - j;
    const out = output + ((j as usize) << 3);
    storeInterleaved(out, n, a0, b0);
    if (n > 4) storeInterleaved(out + 32, n - 4, a1, b1);
    if (n > 8) storeInterleaved(out + 64, n - 8, a2, b2);
    if (n > 12) storeInterleaved(out + 96, n - 12, a3, b3);
  }
}

/** Stores a0 b0 a1 b1 ... for the first `n` (of 4) pixels of each phase. */
@inline function storeInterleaved(out: usize, n: i32, a: v128, b: v128): void {
  if (n >= 4) {
    v128.store(out, v128.shuffle<f32>(a, b, 0, 4, 1, 5));
    v128.store(out, v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
    return;
  }
  store4(out, 8, n, a);
  store4(out + 4, 8, n, b);
}

/** Stores the first `n` of 8 pixels, `step` bytes apart (contiguous when step is 4). */
@inline function storePixels(out: usize, step: usize, n: i32, lo: v128, hi: v128): void {
  if (step == 4 && n == 8) {
    v128.store(out, lo);
    v128.store(out, hi, 16);
    return;
  }
  store4(out, step, min(n, 4), lo);
  if (n > 4) store4(out + 4 * step, step, n - 4, hi);
}

@inline function store4(out: usize, step: usize, n: i32, v: v128): void {
  if (step == 4 && n >= 4) {
    v128.store(out, v);
    return;
  }
  store<f32>(out, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(out + step, f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(out + 2 * step, f32x4.extract_lane(v, 2));
  if (n > 3) store<f32>(out + 3 * step, f32x4.extract_lane(v, 3));
}
