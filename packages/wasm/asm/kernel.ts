// ConvTranspose2d kernels: the gather form per output phase as an implicit GEMM.
//
// The host (src/job.ts) writes one job struct and a table of phase records into memory, then every
// thread calls `run(job)`. Threads claim chunks of work units from a shared counter; a unit is one
// output row of one phase for one block of output channels, so every output is computed by exactly
// one thread with the same instruction sequence: results do not depend on the thread count.
//
// Input is pre-padded (`pad`) so that every tap of every phase reads inside the buffer for every
// computed pixel, including the vector tail: the inner loops have no bounds tests.

// Job struct: i32 fields, byte offsets. Mirrored in src/layout.ts.
const J_UNITS: usize = 0;
const J_CHUNK: usize = 4;
const J_COUNTER: usize = 8;
const J_GROUPS: usize = 12;
const J_UNITS_PER_IMAGE_GROUP: usize = 16;
const J_PHASE_COUNT: usize = 20;
const J_PHASES: usize = 24;
const J_INPUT: usize = 28;
const J_IN_IMAGE_STRIDE: usize = 32; // bytes
const J_IN_GROUP_STRIDE: usize = 36; // bytes
const J_IN_ROW_STRIDE: usize = 40; // bytes (padded width * 4)
const J_OUTPUT: usize = 44;
const J_OUT_IMAGE_STRIDE: usize = 48; // bytes
const J_OUT_ROW_STRIDE: usize = 52; // bytes
const J_OUT_PLANE: usize = 56; // bytes
const J_COUT_G: usize = 60;
const J_MR: usize = 64;
const J_BIAS: usize = 68; // packed per group and block, zero padded; 0 when absent
const J_ROW_STEP: usize = 72; // bytes between consecutive outputs of one phase in a column: stride * outW * 4
const J_COL_STEP: usize = 76; // bytes between consecutive outputs of one phase in a row: stride * 4
const J_CO_BLOCKS: usize = 80;
// Padding job: raw input -> padded input.
const J_RAW: usize = 84;
const J_PLANES: usize = 88; // N * Cin
const J_IN_H: usize = 92;
const J_IN_W: usize = 96;
const J_PAD_H: usize = 100; // padded height
const J_PAD_TOP: usize = 104;
const J_PAD_LEFT: usize = 108;
const J_IN_PLANE_STRIDE: usize = 112; // bytes between padded input planes

// Phase record: i32 fields.
const P_UNIT_START: usize = 0;
const P_ROW_COUNT: usize = 4;
const P_COL_COUNT: usize = 8;
const P_K: usize = 12;
const P_OFFSETS: usize = 16; // K byte offsets into one group's padded input
const P_WEIGHTS: usize = 20; // packed [group][block][K][MR]
const P_WEIGHTS_GROUP_STRIDE: usize = 24; // bytes
const P_OUT_OFFSET: usize = 28; // bytes of (rowFirst * outW + colFirst) * 4
const P_SIZE: usize = 32;

@inline function claim(counter: usize, chunk: i32): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(counter, chunk);
  const start = load<i32>(counter);
  store<i32>(counter, start + chunk);
  return start;
}

/** Copies the raw NCHW input into the zero-padded layout the kernels read. */
export function pad(job: usize): void {
  const raw = load<i32>(job, J_RAW) as usize;
  const dst = load<i32>(job, J_INPUT) as usize;
  const planes = load<i32>(job, J_PLANES);
  const inH = load<i32>(job, J_IN_H);
  const inW = load<i32>(job, J_IN_W);
  const padH = load<i32>(job, J_PAD_H);
  const top = load<i32>(job, J_PAD_TOP);
  const left = load<i32>(job, J_PAD_LEFT) as usize;
  const rowBytes = load<i32>(job, J_IN_ROW_STRIDE) as usize;
  const copyBytes = (inW as usize) << 2;
  const rightBytes = rowBytes - (left << 2) - copyBytes;
  const planeBytes = load<i32>(job, J_IN_PLANE_STRIDE) as usize;
  for (let c = 0; c < planes; c++) {
    const plane = dst + (c as usize) * planeBytes;
    const src = raw + (c as usize) * (inH as usize) * copyBytes;
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
}

/** Computes work units claimed from the job's counter until none are left. */
export function run(job: usize): void {
  const units = load<i32>(job, J_UNITS);
  const chunk = load<i32>(job, J_CHUNK);
  while (true) {
    const start = claim(job + J_COUNTER, chunk);
    if (start >= units) return;
    const end = min(start + chunk, units);
    for (let u = start; u < end; u++) unit(job, u);
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
  const block = local / rows;
  const jr = local - block * rows;

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
  const kBytes = ((k * mr) as usize) << 2;
  const weights =
    (load<i32>(phase, P_WEIGHTS) as usize) +
    (g as usize) * (load<i32>(phase, P_WEIGHTS_GROUP_STRIDE) as usize) +
    (block as usize) * kBytes;
  const biasPtr = load<i32>(job, J_BIAS) as usize;
  const bias = biasPtr ? biasPtr + (((g * load<i32>(job, J_CO_BLOCKS) + block) * mr) as usize << 2) : 0;
  const cols = load<i32>(phase, P_COL_COUNT);
  const colStep = load<i32>(job, J_COL_STEP) as usize;
  if (mr == 4) {
    rowMr4(input, offsets, k, weights, bias, output, outPlane, colStep, cols, min(4, coutG - co));
  } else {
    rowMr1(input, offsets, k, weights, bias, output, colStep, cols);
  }
}

/** 4 output channels x 8 pixels per step; pixels are consecutive in the input row. */
function rowMr4(
  input: usize, offsets: usize, k: i32, weights: usize, bias: usize,
  output: usize, outPlane: usize, colStep: usize, cols: i32, channels: i32,
): void {
  const end = offsets + ((k as usize) << 2);
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
      const p = a + (load<i32>(o) as usize);
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      const w0 = v128.load32_splat(w);
      c00 = f32x4.add(c00, f32x4.mul(w0, x0));
      c01 = f32x4.add(c01, f32x4.mul(w0, x1));
      const w1 = v128.load32_splat(w, 4);
      c10 = f32x4.add(c10, f32x4.mul(w1, x0));
      c11 = f32x4.add(c11, f32x4.mul(w1, x1));
      const w2 = v128.load32_splat(w, 8);
      c20 = f32x4.add(c20, f32x4.mul(w2, x0));
      c21 = f32x4.add(c21, f32x4.mul(w2, x1));
      const w3 = v128.load32_splat(w, 12);
      c30 = f32x4.add(c30, f32x4.mul(w3, x0));
      c31 = f32x4.add(c31, f32x4.mul(w3, x1));
      w += 16;
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
      const x = v128.load(a + (load<i32>(o) as usize));
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(w), x));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(w, 4), x));
      c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(w, 8), x));
      c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(w, 12), x));
      w += 16;
    }
    const n = cols - j;
    const out = output + (j as usize) * colStep;
    store4(out, colStep, n, c0);
    if (channels > 1) store4(out + outPlane, colStep, n, c1);
    if (channels > 2) store4(out + 2 * outPlane, colStep, n, c2);
    if (channels > 3) store4(out + 3 * outPlane, colStep, n, c3);
  }
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
      c0 = f32x4.add(c0, f32x4.mul(w0, v128.load(p)));
      c1 = f32x4.add(c1, f32x4.mul(w0, v128.load(p, 16)));
      c2 = f32x4.add(c2, f32x4.mul(w0, v128.load(p, 32)));
      c3 = f32x4.add(c3, f32x4.mul(w0, v128.load(p, 48)));
      w += 4;
    }
    const n = cols - j;
    const out = output + (j as usize) * colStep;
    storePixels(out, colStep, min(8, n), c0, c1);
    if (n > 8) storePixels(out + 8 * colStep, colStep, min(8, n - 8), c2, c3);
  }
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
  store<f32>(out, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(out + step, f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(out + 2 * step, f32x4.extract_lane(v, 2));
  if (n > 3) store<f32>(out + 3 * step, f32x4.extract_lane(v, 3));
}
