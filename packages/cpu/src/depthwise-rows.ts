/**
 * Row kernels for depthwise layers (1 input and 1 output channel per group), reading the input
 * tensor directly. A layer with column stride 2 whose two column phases each take 2 consecutive
 * column taps, phase A reading columns `(j + s, j + s - 1)` and phase B `(j + s + 1, j + s)` (4-wide
 * kernels with odd padding, e.g. k4 s2 p1), reads one window of 3 columns per input row for both
 * phases: sliding it by one column costs 1 load per row for 2 outputs. Every sum is formed in the
 * reference order (row tap, then column tap, from +0) and stored once with the bias.
 *
 * Shared parameters:
 *   x        the input tensor
 *   r0, r1   input index of column `s - 1` of each row tap's input row (their `j = 0` window)
 *   w        8 weights from `wi`: phase A's (row tap, column tap) in order, then phase B's
 *   oA, oB   output index of each phase's column `j = 0`; its columns are 2 output columns apart
 *   j0, j1   the columns `j` to compute, all of whose taps read inside the input
 */

import type { Data } from './blocks.js';

/** Both column phases of a row with 2 row taps. */
export function pairRow2(
  x: Data,
  r0: number,
  r1: number,
  w: Float64Array,
  wi: number,
  out: Data,
  oA: number,
  oB: number,
  j0: number,
  j1: number,
  bias: number,
): void {
  const a00 = w[wi]!,
    a01 = w[wi + 1]!,
    a10 = w[wi + 2]!,
    a11 = w[wi + 3]!;
  const b00 = w[wi + 4]!,
    b01 = w[wi + 5]!,
    b10 = w[wi + 6]!,
    b11 = w[wi + 7]!;
  let p0 = x[r0 + j0]!,
    p1 = x[r0 + j0 + 1]!;
  let q0 = x[r1 + j0]!,
    q1 = x[r1 + j0 + 1]!;
  let j = j0;
  // Two columns per step: 4 loads for 4 outputs.
  for (; j + 1 < j1; j += 2) {
    const p2 = x[r0 + j + 2]!,
      p3 = x[r0 + j + 3]!;
    const q2 = x[r1 + j + 2]!,
      q3 = x[r1 + j + 3]!;
    let a = 0 + p1 * a00;
    let c = 0 + p2 * b00;
    let d = 0 + p2 * a00;
    let e = 0 + p3 * b00;
    a += p0 * a01;
    c += p1 * b01;
    d += p1 * a01;
    e += p2 * b01;
    a += q1 * a10;
    c += q2 * b10;
    d += q2 * a10;
    e += q3 * b10;
    a += q0 * a11;
    c += q1 * b11;
    d += q1 * a11;
    e += q2 * b11;
    const o = 2 * j;
    out[oA + o] = a + bias;
    out[oB + o] = c + bias;
    out[oA + o + 2] = d + bias;
    out[oB + o + 2] = e + bias;
    p0 = p2;
    p1 = p3;
    q0 = q2;
    q1 = q3;
  }
  if (j < j1) {
    const p2 = x[r0 + j + 2]!;
    const q2 = x[r1 + j + 2]!;
    let a = 0 + p1 * a00;
    a += p0 * a01;
    a += q1 * a10;
    a += q0 * a11;
    let c = 0 + p2 * b00;
    c += p1 * b01;
    c += q2 * b10;
    c += q1 * b11;
    out[oA + 2 * j] = a + bias;
    out[oB + 2 * j] = c + bias;
  }
}

/** Both column phases of a row with 1 row tap (the other reads outside the input); `w` as for 2. */
export function pairRow1(
  x: Data,
  r0: number,
  w: Float64Array,
  wi: number,
  out: Data,
  oA: number,
  oB: number,
  j0: number,
  j1: number,
  bias: number,
): void {
  const a00 = w[wi]!,
    a01 = w[wi + 1]!;
  const b00 = w[wi + 4]!,
    b01 = w[wi + 5]!;
  let p0 = x[r0 + j0]!,
    p1 = x[r0 + j0 + 1]!;
  for (let j = j0; j < j1; j++) {
    const p2 = x[r0 + j + 2]!;
    let a = 0 + p1 * a00;
    a += p0 * a01;
    let c = 0 + p2 * b00;
    c += p1 * b01;
    out[oA + 2 * j] = a + bias;
    out[oB + 2 * j] = c + bias;
    p0 = p1;
    p1 = p2;
  }
}

/**
 * Columns `[j0, j1)` of one column phase, every tap inside the input: `n` products per output, the
 * `k`-th reading `x[xo[k] + j]` with weight `wt[k]`, in table order.
 */
export function phaseRow(
  x: Data,
  xo: Int32Array,
  wt: Float64Array,
  n: number,
  out: Data,
  o: number,
  oStep: number,
  j0: number,
  j1: number,
  bias: number,
): void {
  for (let j = j0; j < j1; j++) {
    let a = 0;
    for (let k = 0; k < n; k++) a += x[xo[k]! + j]! * wt[k]!;
    out[o + j * oStep] = a + bias;
  }
}

/**
 * Two output rows that read the same 2 input rows (the row phases pair like the column phases: a
 * row of phase B at `jr` and the next row, of phase A at `jr + 1`, with k4 s2 p1), both column
 * phases: a window of 3 columns of each input row feeds all 16 products of 4 outputs, so each step
 * loads 2 values where `pairRow2` per row loads 4.
 *
 *   u, v     input index of column `s - 1` of row tap 1's and row tap 0's input row (both rows')
 *   w1, w2   the 8 weights of the first and of the second output row, as `pairRow2`'s `wi`
 *   oA, oB   output index of column `j = 0` of each column phase in the first output row
 *   oRow     elements from the first output row to the second
 */
export function pairTwoRows(
  x: Data,
  u: number,
  v: number,
  w: Float64Array,
  w1: number,
  w2: number,
  out: Data,
  oA: number,
  oB: number,
  oRow: number,
  j0: number,
  j1: number,
  bias: number,
): void {
  const a00 = w[w1]!,
    a01 = w[w1 + 1]!,
    a10 = w[w1 + 2]!,
    a11 = w[w1 + 3]!;
  const b00 = w[w1 + 4]!,
    b01 = w[w1 + 5]!,
    b10 = w[w1 + 6]!,
    b11 = w[w1 + 7]!;
  const c00 = w[w2]!,
    c01 = w[w2 + 1]!,
    c10 = w[w2 + 2]!,
    c11 = w[w2 + 3]!;
  const d00 = w[w2 + 4]!,
    d01 = w[w2 + 5]!,
    d10 = w[w2 + 6]!,
    d11 = w[w2 + 7]!;
  let p0 = x[v + j0]!,
    p1 = x[v + j0 + 1]!;
  let q0 = x[u + j0]!,
    q1 = x[u + j0 + 1]!;
  const oA2 = oA + oRow;
  const oB2 = oB + oRow;
  for (let j = j0; j < j1; j++) {
    const p2 = x[v + j + 2]!;
    const q2 = x[u + j + 2]!;
    let a = 0 + p1 * a00;
    let b = 0 + p2 * b00;
    let c = 0 + p1 * c00;
    let d = 0 + p2 * d00;
    a += p0 * a01;
    b += p1 * b01;
    c += p0 * c01;
    d += p1 * d01;
    a += q1 * a10;
    b += q2 * b10;
    c += q1 * c10;
    d += q2 * d10;
    a += q0 * a11;
    b += q1 * b11;
    c += q0 * c11;
    d += q1 * d11;
    const o = 2 * j;
    out[oA + o] = a + bias;
    out[oB + o] = b + bias;
    out[oA2 + o] = c + bias;
    out[oB2 + o] = d + bias;
    p0 = p1;
    p1 = p2;
    q0 = q1;
    q1 = q2;
  }
}

/**
 * The columns of one column phase in both rows of `pairTwoRows` outside `[j0, j1)`, up to `count`,
 * where a column tap may read outside the input: each product is taken only when its column is in
 * `[0, W)`.
 *
 *   u, v     input index of column 0 of row tap 1's and row tap 0's input row
 *   c0       the input column column tap 0 reads at `j = 0` (tap 1 reads the one before)
 *   w1, w2   the phase's 4 weights in the first and in the second output row
 *   o        output index of column `j = 0` in the first output row
 */
export function edgeTwoRows(
  x: Data,
  u: number,
  v: number,
  W: number,
  c0: number,
  w: Float64Array,
  w1: number,
  w2: number,
  out: Data,
  o: number,
  oRow: number,
  j0: number,
  j1: number,
  count: number,
  bias: number,
): void {
  const a00 = w[w1]!,
    a01 = w[w1 + 1]!,
    a10 = w[w1 + 2]!,
    a11 = w[w1 + 3]!;
  const c00 = w[w2]!,
    c01 = w[w2 + 1]!,
    c10 = w[w2 + 2]!,
    c11 = w[w2 + 3]!;
  for (let j = 0; j < count; j++) {
    if (j === j0 && j0 < j1) j = j1;
    if (j === count) break;
    const c = c0 + j;
    const in0 = c >= 0 && c < W;
    const in1 = c >= 1 && c <= W;
    let a = 0;
    let d = 0;
    if (in0) {
      const p = x[v + c]!;
      a += p * a00;
      d += p * c00;
    }
    if (in1) {
      const p = x[v + c - 1]!;
      a += p * a01;
      d += p * c01;
    }
    if (in0) {
      const q = x[u + c]!;
      a += q * a10;
      d += q * c10;
    }
    if (in1) {
      const q = x[u + c - 1]!;
      a += q * a11;
      d += q * c11;
    }
    out[o + 2 * j] = a + bias;
    out[o + oRow + 2 * j] = d + bias;
  }
}
