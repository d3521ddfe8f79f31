/**
 * Register-blocked micro-kernels. Each call computes a run of `tiles` tiles along one output row of
 * one phase; a tile is 4, 3, 2 or 1 output channels × 4, 8 or 1 columns. Every partial sum stays in a local
 * (a float64 register in JS engines) and each output is stored exactly once, bias added last.
 *
 * The reduction walks table entries `[k0, k1)`: `xo[k]` is the input offset of product `k` (relative
 * to the tile's first column) and the weights are packed alongside, `p[ps + (k - k0) * co + c]` for
 * output channel `c` of the tile. Tables list products input channel by input channel, then row tap,
 * then column tap: the order of the reference scatter loop, so every output's sum is formed the same
 * way whichever tile shape or thread computes it.
 *
 * Shared parameters, all plain numbers and arrays:
 *   x, p, out, b   float64 input workspace, packed float64 weights, output, bias (or null)
 *   co             the first output channel (for the bias)
 *   xs             input offset of the first tile's first column
 *   o, oCo, oStep  output index of the first tile's first element; elements between output channels
 *                  (OH * OW) and between consecutive columns of the phase (the column stride)
 */

export type Data = Float32Array | Float64Array;

/** 4 output channels × 4 columns per tile: 16 accumulators, 8 loads per 16 multiply-adds. */
export function row4x4(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  const b1 = b === null ? 0 : b[co + 1]!;
  const b2 = b === null ? 0 : b[co + 2]!;
  const b3 = b === null ? 0 : b[co + 3]!;
  for (let t = 0; t < tiles; t++, xs += 4, o += 4 * oStep) {
    let a00 = 0,
      a01 = 0,
      a02 = 0,
      a03 = 0;
    let a10 = 0,
      a11 = 0,
      a12 = 0,
      a13 = 0;
    let a20 = 0,
      a21 = 0,
      a22 = 0,
      a23 = 0;
    let a30 = 0,
      a31 = 0,
      a32 = 0,
      a33 = 0;
    for (let k = k0, pi = ps; k < k1; k++, pi += 4) {
      const xi = xs + xo[k]!;
      const x0 = x[xi]!,
        x1 = x[xi + 1]!,
        x2 = x[xi + 2]!,
        x3 = x[xi + 3]!;
      const w0 = p[pi]!,
        w1 = p[pi + 1]!,
        w2 = p[pi + 2]!,
        w3 = p[pi + 3]!;
      a00 += x0 * w0;
      a01 += x1 * w0;
      a02 += x2 * w0;
      a03 += x3 * w0;
      a10 += x0 * w1;
      a11 += x1 * w1;
      a12 += x2 * w1;
      a13 += x3 * w1;
      a20 += x0 * w2;
      a21 += x1 * w2;
      a22 += x2 * w2;
      a23 += x3 * w2;
      a30 += x0 * w3;
      a31 += x1 * w3;
      a32 += x2 * w3;
      a33 += x3 * w3;
    }
    let q = o;
    out[q] = a00 + b0;
    out[q + oStep] = a01 + b0;
    out[q + 2 * oStep] = a02 + b0;
    out[q + 3 * oStep] = a03 + b0;
    q += oCo;
    out[q] = a10 + b1;
    out[q + oStep] = a11 + b1;
    out[q + 2 * oStep] = a12 + b1;
    out[q + 3 * oStep] = a13 + b1;
    q += oCo;
    out[q] = a20 + b2;
    out[q + oStep] = a21 + b2;
    out[q + 2 * oStep] = a22 + b2;
    out[q + 3 * oStep] = a23 + b2;
    q += oCo;
    out[q] = a30 + b3;
    out[q + oStep] = a31 + b3;
    out[q + 2 * oStep] = a32 + b3;
    out[q + 3 * oStep] = a33 + b3;
  }
}

/**
 * 4 output channels × 4 columns × 2 rows of a row phase per tile (rows `xRow` apart in the
 * workspace, `oRow` apart in the output): each weight load serves 8 outputs, for layers whose
 * reduction is long and whose weights do not stay in L1 (DCGAN's first layers).
 */
export function row4x4x2(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  xRow: number,
  o: number,
  oRow: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  const bias0 = b === null ? 0 : b[co]!;
  const bias1 = b === null ? 0 : b[co + 1]!;
  const bias2 = b === null ? 0 : b[co + 2]!;
  const bias3 = b === null ? 0 : b[co + 3]!;
  for (let t = 0; t < tiles; t++, xs += 4, o += 4 * oStep) {
    let a00 = 0,
      r00 = 0;
    let a01 = 0,
      r01 = 0;
    let a02 = 0,
      r02 = 0;
    let a03 = 0,
      r03 = 0;
    let a10 = 0,
      r10 = 0;
    let a11 = 0,
      r11 = 0;
    let a12 = 0,
      r12 = 0;
    let a13 = 0,
      r13 = 0;
    let a20 = 0,
      r20 = 0;
    let a21 = 0,
      r21 = 0;
    let a22 = 0,
      r22 = 0;
    let a23 = 0,
      r23 = 0;
    let a30 = 0,
      r30 = 0;
    let a31 = 0,
      r31 = 0;
    let a32 = 0,
      r32 = 0;
    let a33 = 0,
      r33 = 0;
    for (let k = k0, pi = ps; k < k1; k++, pi += 4) {
      const xi = xs + xo[k]!;
      const yi = xi + xRow;
      const x0 = x[xi]!,
        x1 = x[xi + 1]!,
        x2 = x[xi + 2]!,
        x3 = x[xi + 3]!;
      const y0 = x[yi]!,
        y1 = x[yi + 1]!,
        y2 = x[yi + 2]!,
        y3 = x[yi + 3]!;
      const w0 = p[pi]!,
        w1 = p[pi + 1]!,
        w2 = p[pi + 2]!,
        w3 = p[pi + 3]!;
      a00 += x0 * w0;
      r00 += y0 * w0;
      a01 += x1 * w0;
      r01 += y1 * w0;
      a02 += x2 * w0;
      r02 += y2 * w0;
      a03 += x3 * w0;
      r03 += y3 * w0;
      a10 += x0 * w1;
      r10 += y0 * w1;
      a11 += x1 * w1;
      r11 += y1 * w1;
      a12 += x2 * w1;
      r12 += y2 * w1;
      a13 += x3 * w1;
      r13 += y3 * w1;
      a20 += x0 * w2;
      r20 += y0 * w2;
      a21 += x1 * w2;
      r21 += y1 * w2;
      a22 += x2 * w2;
      r22 += y2 * w2;
      a23 += x3 * w2;
      r23 += y3 * w2;
      a30 += x0 * w3;
      r30 += y0 * w3;
      a31 += x1 * w3;
      r31 += y1 * w3;
      a32 += x2 * w3;
      r32 += y2 * w3;
      a33 += x3 * w3;
      r33 += y3 * w3;
    }
    let q = o;
    out[q] = a00 + bias0;
    out[q + oRow] = r00 + bias0;
    out[q + oStep] = a01 + bias0;
    out[q + oStep + oRow] = r01 + bias0;
    out[q + 2 * oStep] = a02 + bias0;
    out[q + 2 * oStep + oRow] = r02 + bias0;
    out[q + 3 * oStep] = a03 + bias0;
    out[q + 3 * oStep + oRow] = r03 + bias0;
    q += oCo;
    out[q] = a10 + bias1;
    out[q + oRow] = r10 + bias1;
    out[q + oStep] = a11 + bias1;
    out[q + oStep + oRow] = r11 + bias1;
    out[q + 2 * oStep] = a12 + bias1;
    out[q + 2 * oStep + oRow] = r12 + bias1;
    out[q + 3 * oStep] = a13 + bias1;
    out[q + 3 * oStep + oRow] = r13 + bias1;
    q += oCo;
    out[q] = a20 + bias2;
    out[q + oRow] = r20 + bias2;
    out[q + oStep] = a21 + bias2;
    out[q + oStep + oRow] = r21 + bias2;
    out[q + 2 * oStep] = a22 + bias2;
    out[q + 2 * oStep + oRow] = r22 + bias2;
    out[q + 3 * oStep] = a23 + bias2;
    out[q + 3 * oStep + oRow] = r23 + bias2;
    q += oCo;
    out[q] = a30 + bias3;
    out[q + oRow] = r30 + bias3;
    out[q + oStep] = a31 + bias3;
    out[q + oStep + oRow] = r31 + bias3;
    out[q + 2 * oStep] = a32 + bias3;
    out[q + 2 * oStep + oRow] = r32 + bias3;
    out[q + 3 * oStep] = a33 + bias3;
    out[q + 3 * oStep + oRow] = r33 + bias3;
  }
}

/** 3 output channels × 4 columns per tile: the last channels of a group that has 3 left. */
export function row3x4(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  const b1 = b === null ? 0 : b[co + 1]!;
  const b2 = b === null ? 0 : b[co + 2]!;
  for (let t = 0; t < tiles; t++, xs += 4, o += 4 * oStep) {
    let a00 = 0,
      a01 = 0,
      a02 = 0,
      a03 = 0;
    let a10 = 0,
      a11 = 0,
      a12 = 0,
      a13 = 0;
    let a20 = 0,
      a21 = 0,
      a22 = 0,
      a23 = 0;
    for (let k = k0, pi = ps; k < k1; k++, pi += 3) {
      const xi = xs + xo[k]!;
      const x0 = x[xi]!,
        x1 = x[xi + 1]!,
        x2 = x[xi + 2]!,
        x3 = x[xi + 3]!;
      const w0 = p[pi]!,
        w1 = p[pi + 1]!,
        w2 = p[pi + 2]!;
      a00 += x0 * w0;
      a01 += x1 * w0;
      a02 += x2 * w0;
      a03 += x3 * w0;
      a10 += x0 * w1;
      a11 += x1 * w1;
      a12 += x2 * w1;
      a13 += x3 * w1;
      a20 += x0 * w2;
      a21 += x1 * w2;
      a22 += x2 * w2;
      a23 += x3 * w2;
    }
    let q = o;
    out[q] = a00 + b0;
    out[q + oStep] = a01 + b0;
    out[q + 2 * oStep] = a02 + b0;
    out[q + 3 * oStep] = a03 + b0;
    q += oCo;
    out[q] = a10 + b1;
    out[q + oStep] = a11 + b1;
    out[q + 2 * oStep] = a12 + b1;
    out[q + 3 * oStep] = a13 + b1;
    q += oCo;
    out[q] = a20 + b2;
    out[q + oStep] = a21 + b2;
    out[q + 2 * oStep] = a22 + b2;
    out[q + 3 * oStep] = a23 + b2;
  }
}

/** 2 output channels × 4 columns per tile: the last channels of a group that has 2 left. */
export function row2x4(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  const b1 = b === null ? 0 : b[co + 1]!;
  for (let t = 0; t < tiles; t++, xs += 4, o += 4 * oStep) {
    let a00 = 0,
      a01 = 0,
      a02 = 0,
      a03 = 0;
    let a10 = 0,
      a11 = 0,
      a12 = 0,
      a13 = 0;
    for (let k = k0, pi = ps; k < k1; k++, pi += 2) {
      const xi = xs + xo[k]!;
      const x0 = x[xi]!,
        x1 = x[xi + 1]!,
        x2 = x[xi + 2]!,
        x3 = x[xi + 3]!;
      const w0 = p[pi]!,
        w1 = p[pi + 1]!;
      a00 += x0 * w0;
      a01 += x1 * w0;
      a02 += x2 * w0;
      a03 += x3 * w0;
      a10 += x0 * w1;
      a11 += x1 * w1;
      a12 += x2 * w1;
      a13 += x3 * w1;
    }
    let q = o;
    out[q] = a00 + b0;
    out[q + oStep] = a01 + b0;
    out[q + 2 * oStep] = a02 + b0;
    out[q + 3 * oStep] = a03 + b0;
    q += oCo;
    out[q] = a10 + b1;
    out[q + oStep] = a11 + b1;
    out[q + 2 * oStep] = a12 + b1;
    out[q + 3 * oStep] = a13 + b1;
  }
}

/** 4 output channels × 1 column per tile: the columns left over after 4-wide tiles. */
export function row4x1(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  const b1 = b === null ? 0 : b[co + 1]!;
  const b2 = b === null ? 0 : b[co + 2]!;
  const b3 = b === null ? 0 : b[co + 3]!;
  for (let t = 0; t < tiles; t++, xs++, o += oStep) {
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0;
    for (let k = k0, pi = ps; k < k1; k++, pi += 4) {
      const x0 = x[xs + xo[k]!]!;
      a0 += x0 * p[pi]!;
      a1 += x0 * p[pi + 1]!;
      a2 += x0 * p[pi + 2]!;
      a3 += x0 * p[pi + 3]!;
    }
    out[o] = a0 + b0;
    out[o + oCo] = a1 + b1;
    out[o + 2 * oCo] = a2 + b2;
    out[o + 3 * oCo] = a3 + b3;
  }
}

/** 1 output channel × 8 columns per tile: few output channels (RGB or 1-channel heads, depthwise). */
export function row1x8(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  for (let t = 0; t < tiles; t++, xs += 8, o += 8 * oStep) {
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0,
      a4 = 0,
      a5 = 0,
      a6 = 0,
      a7 = 0;
    for (let k = k0, pi = ps; k < k1; k++, pi++) {
      const xi = xs + xo[k]!;
      const w0 = p[pi]!;
      a0 += x[xi]! * w0;
      a1 += x[xi + 1]! * w0;
      a2 += x[xi + 2]! * w0;
      a3 += x[xi + 3]! * w0;
      a4 += x[xi + 4]! * w0;
      a5 += x[xi + 5]! * w0;
      a6 += x[xi + 6]! * w0;
      a7 += x[xi + 7]! * w0;
    }
    out[o] = a0 + b0;
    out[o + oStep] = a1 + b0;
    out[o + 2 * oStep] = a2 + b0;
    out[o + 3 * oStep] = a3 + b0;
    out[o + 4 * oStep] = a4 + b0;
    out[o + 5 * oStep] = a5 + b0;
    out[o + 6 * oStep] = a6 + b0;
    out[o + 7 * oStep] = a7 + b0;
  }
}

/**
 * 1 output channel × 8 columns per tile over a column phase of 2 taps whose inputs are consecutive
 * columns (tap `t` reads column `j - t` of tap 0's): the table lists each (input channel, row tap)
 * as 2 entries, and one window of 9 loads serves all 16 products.
 */
export function row1x8taps2(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  for (let t = 0; t < tiles; t++, xs += 8, o += 8 * oStep) {
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0,
      a4 = 0,
      a5 = 0,
      a6 = 0,
      a7 = 0;
    for (let k = k0, pi = ps; k < k1; k += 2, pi += 2) {
      const xi = xs + xo[k]!;
      const xm1 = x[xi - 1]!,
        x0 = x[xi]!,
        x1 = x[xi + 1]!,
        x2 = x[xi + 2]!,
        x3 = x[xi + 3]!,
        x4 = x[xi + 4]!,
        x5 = x[xi + 5]!,
        x6 = x[xi + 6]!,
        x7 = x[xi + 7]!;
      const w0 = p[pi]!,
        w1 = p[pi + 1]!;
      a0 += x0 * w0;
      a0 += xm1 * w1;
      a1 += x1 * w0;
      a1 += x0 * w1;
      a2 += x2 * w0;
      a2 += x1 * w1;
      a3 += x3 * w0;
      a3 += x2 * w1;
      a4 += x4 * w0;
      a4 += x3 * w1;
      a5 += x5 * w0;
      a5 += x4 * w1;
      a6 += x6 * w0;
      a6 += x5 * w1;
      a7 += x7 * w0;
      a7 += x6 * w1;
    }
    out[o] = a0 + b0;
    out[o + oStep] = a1 + b0;
    out[o + 2 * oStep] = a2 + b0;
    out[o + 3 * oStep] = a3 + b0;
    out[o + 4 * oStep] = a4 + b0;
    out[o + 5 * oStep] = a5 + b0;
    out[o + 6 * oStep] = a6 + b0;
    out[o + 7 * oStep] = a7 + b0;
  }
}

/**
 * 1 output channel × 8 columns per tile over a column phase of 3 taps whose inputs are consecutive
 * columns (tap `t` reads column `j - t` of tap 0's): the table lists each (input channel, row tap)
 * as 3 entries, and one window of 10 loads serves all 24 products.
 */
export function row1x8taps3(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  for (let t = 0; t < tiles; t++, xs += 8, o += 8 * oStep) {
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0,
      a4 = 0,
      a5 = 0,
      a6 = 0,
      a7 = 0;
    for (let k = k0, pi = ps; k < k1; k += 3, pi += 3) {
      const xi = xs + xo[k]!;
      const xm2 = x[xi - 2]!,
        xm1 = x[xi - 1]!,
        x0 = x[xi]!,
        x1 = x[xi + 1]!,
        x2 = x[xi + 2]!,
        x3 = x[xi + 3]!,
        x4 = x[xi + 4]!,
        x5 = x[xi + 5]!,
        x6 = x[xi + 6]!,
        x7 = x[xi + 7]!;
      const w0 = p[pi]!,
        w1 = p[pi + 1]!,
        w2 = p[pi + 2]!;
      a0 += x0 * w0;
      a0 += xm1 * w1;
      a0 += xm2 * w2;
      a1 += x1 * w0;
      a1 += x0 * w1;
      a1 += xm1 * w2;
      a2 += x2 * w0;
      a2 += x1 * w1;
      a2 += x0 * w2;
      a3 += x3 * w0;
      a3 += x2 * w1;
      a3 += x1 * w2;
      a4 += x4 * w0;
      a4 += x3 * w1;
      a4 += x2 * w2;
      a5 += x5 * w0;
      a5 += x4 * w1;
      a5 += x3 * w2;
      a6 += x6 * w0;
      a6 += x5 * w1;
      a6 += x4 * w2;
      a7 += x7 * w0;
      a7 += x6 * w1;
      a7 += x5 * w2;
    }
    out[o] = a0 + b0;
    out[o + oStep] = a1 + b0;
    out[o + 2 * oStep] = a2 + b0;
    out[o + 3 * oStep] = a3 + b0;
    out[o + 4 * oStep] = a4 + b0;
    out[o + 5 * oStep] = a5 + b0;
    out[o + 6 * oStep] = a6 + b0;
    out[o + 7 * oStep] = a7 + b0;
  }
}

/**
 * 1 output channel × 2 columns × 2 rows of a row phase per tile (rows `xRow` apart in the workspace,
 * `oRow` apart in the output), for phases of 3 row and 3 column taps reading consecutive rows and
 * columns (1-channel heads such as FSRCNN's k9 s3): the 2 rows' row taps span 4 input rows, each
 * read once for both rows, and an input channel's 9 weights are loaded once for all 36 products.
 * The table lists 9 entries per input channel; the first is row tap 0's and column tap 0's, and
 * the others read `xRow` less per row tap and 1 column less per column tap. Only 4 accumulators:
 * wider tiles spill on x86-64 (2 × 4, 2 × 8 and 3 × 3 ran slower; see the README).
 */
export function row1x2x2taps3(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  xRow: number,
  o: number,
  oRow: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  for (let t = 0; t < tiles; t++, xs += 2, o += 2 * oStep) {
    let a00 = 0,
      a01 = 0;
    let a10 = 0,
      a11 = 0;
    for (let k = k0, pi = ps; k < k1; k += 9, pi += 9) {
      const xi = xs + xo[k]!;
      const w00 = p[pi]!,
        w01 = p[pi + 1]!,
        w02 = p[pi + 2]!,
        w10 = p[pi + 3]!,
        w11 = p[pi + 4]!,
        w12 = p[pi + 5]!,
        w20 = p[pi + 6]!,
        w21 = p[pi + 7]!,
        w22 = p[pi + 8]!;
      const y0 = xi + xRow;
      const em2 = x[y0 - 2]!;
      const em1 = x[y0 - 1]!;
      const e0 = x[y0]!;
      a10 += e0 * w00;
      a10 += em1 * w01;
      a10 += em2 * w02;
      const e1 = x[y0 + 1]!;
      a11 += e1 * w00;
      a11 += e0 * w01;
      a11 += em1 * w02;
      const y1 = xi;
      const fm2 = x[y1 - 2]!;
      const fm1 = x[y1 - 1]!;
      const f0 = x[y1]!;
      a00 += f0 * w00;
      a00 += fm1 * w01;
      a00 += fm2 * w02;
      a10 += f0 * w10;
      a10 += fm1 * w11;
      a10 += fm2 * w12;
      const f1 = x[y1 + 1]!;
      a01 += f1 * w00;
      a01 += f0 * w01;
      a01 += fm1 * w02;
      a11 += f1 * w10;
      a11 += f0 * w11;
      a11 += fm1 * w12;
      const y2 = xi - xRow;
      const gm2 = x[y2 - 2]!;
      const gm1 = x[y2 - 1]!;
      const g0 = x[y2]!;
      a00 += g0 * w10;
      a00 += gm1 * w11;
      a00 += gm2 * w12;
      a10 += g0 * w20;
      a10 += gm1 * w21;
      a10 += gm2 * w22;
      const g1 = x[y2 + 1]!;
      a01 += g1 * w10;
      a01 += g0 * w11;
      a01 += gm1 * w12;
      a11 += g1 * w20;
      a11 += g0 * w21;
      a11 += gm1 * w22;
      const y3 = xi - 2 * xRow;
      const hm2 = x[y3 - 2]!;
      const hm1 = x[y3 - 1]!;
      const h0 = x[y3]!;
      a00 += h0 * w20;
      a00 += hm1 * w21;
      a00 += hm2 * w22;
      const h1 = x[y3 + 1]!;
      a01 += h1 * w20;
      a01 += h0 * w21;
      a01 += hm1 * w22;
    }
    out[o] = a00 + b0;
    out[o + oRow] = a10 + b0;
    out[o + oStep] = a01 + b0;
    out[o + oStep + oRow] = a11 + b0;
  }
}

/**
 * `nco` output channels × 1 column per tile: whatever the wider tiles leave, and the edge columns
 * of exact mode. Weights are packed `nco` per entry.
 */
export function rowNx1(
  x: Float64Array,
  p: Float64Array,
  out: Data,
  b: Data | null,
  co: number,
  nco: number,
  xo: Int32Array,
  k0: number,
  k1: number,
  ps: number,
  xs: number,
  o: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  for (let t = 0; t < tiles; t++, xs++, o += oStep) {
    for (let i = 0; i < nco; i++) {
      let a = 0;
      for (let k = k0, pi = ps + i; k < k1; k++, pi += nco) a += x[xs + xo[k]!]! * p[pi]!;
      out[o + i * oCo] = a + (b === null ? 0 : b[co + i]!);
    }
  }
}
