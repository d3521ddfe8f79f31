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
