// Whole 1-D Winograd transforms written out for the matrices the layers use most, applied to many
// lanes at once. The generic path (`combine`, one output row per pass) loads each source value once
// per nonzero entry and makes one pass per row; these load each value once for all rows, in one
// pass, with the matrices' common sums shared (F(4, 3)'s input transform: 6 loads and 20 operations
// per lane instead of 22 loads and 22 multiply-adds in 6 passes). Loaded by workers too: imports
// nothing outside this package.
import { combine, type SparseRows } from './winograd-matrices.js';

/**
 * `dst[at + i * dstStep + q] = sum_k K[i][k] * src[from + k * srcStep + q]` for every row `i` of a
 * transform matrix `K` and `q < length`.
 */
export type ApplyTransform = (
  dst: Float64Array,
  at: number,
  dstStep: number,
  src: Float64Array,
  from: number,
  srcStep: number,
  length: number,
) => void;

interface Kernel {
  readonly rows: number;
  readonly cols: number;
  /** The matrix the kernel computes, row-major: it is used only for an identical matrix. */
  readonly matrix: readonly number[];
  readonly apply: ApplyTransform;
}

/** `BT` of F(2, 2) (points 0, -1, ∞). */
const bt3: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const d0 = src[from + q]!;
    const d1 = src[from + ss + q]!;
    const d2 = src[from + 2 * ss + q]!;
    dst[at + q] = d1 - d0;
    dst[at + ds + q] = d1;
    dst[at + 2 * ds + q] = d2 - d1;
  }
};

/** `BT` of F(3, 2). */
const bt4: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const d0 = src[from + q]!;
    const d1 = src[from + ss + q]!;
    const d2 = src[from + 2 * ss + q]!;
    const d3 = src[from + 3 * ss + q]!;
    dst[at + q] = d2 - d0;
    dst[at + ds + q] = d1 + d2;
    dst[at + 2 * ds + q] = d2 - d1;
    dst[at + 3 * ds + q] = d3 - d1;
  }
};

/** `BT` of F(4, 2). */
const bt5: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const d0 = src[from + q]!;
    const d1 = src[from + ss + q]!;
    const d2 = src[from + 2 * ss + q]!;
    const d3 = src[from + 3 * ss + q]!;
    const d4 = src[from + 4 * ss + q]!;
    const e = d3 - d1;
    dst[at + q] = 2 * (d0 - d2) + e;
    dst[at + ds + q] = d3 - d2 - 2 * d1;
    dst[at + 2 * ds + q] = d3 + 2 * d1 - 3 * d2;
    dst[at + 3 * ds + q] = e;
    dst[at + 4 * ds + q] = d4 - d2 - 2 * e;
  }
};

/** `BT` of F(4, 3). */
const bt6: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const d0 = src[from + q]!;
    const d1 = src[from + ss + q]!;
    const d2 = src[from + 2 * ss + q]!;
    const d3 = src[from + 3 * ss + q]!;
    const d4 = src[from + 4 * ss + q]!;
    const d5 = src[from + 5 * ss + q]!;
    const s = d3 + d4 - 4 * (d1 + d2);
    const t = d4 - d3 + 4 * (d1 - d2);
    const u = d4 - d2;
    const v = 2 * (d3 - d1);
    dst[at + q] = 4 * d0 - 5 * d2 + d4;
    dst[at + ds + q] = s;
    dst[at + 2 * ds + q] = t;
    dst[at + 3 * ds + q] = u + v;
    dst[at + 4 * ds + q] = u - v;
    dst[at + 5 * ds + q] = 4 * d1 - 5 * d3 + d5;
  }
};

/** `AT` of F(2, 2). */
const at2: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const m1 = src[from + ss + q]!;
    dst[at + q] = src[from + q]! + m1;
    dst[at + ds + q] = m1 + src[from + 2 * ss + q]!;
  }
};

/** `AT` of F(3, 2). */
const at3: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const m1 = src[from + ss + q]!;
    const m2 = src[from + 2 * ss + q]!;
    const s = m1 + m2;
    dst[at + q] = src[from + q]! + s;
    dst[at + ds + q] = m1 - m2;
    dst[at + 2 * ds + q] = s + src[from + 3 * ss + q]!;
  }
};

/** `AT` of F(4, 2). */
const at4r2: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const m1 = src[from + ss + q]!;
    const m2 = src[from + 2 * ss + q]!;
    const m3 = src[from + 3 * ss + q]!;
    const s = m1 + m2;
    const d = m1 - m2;
    dst[at + q] = src[from + q]! + s + m3;
    dst[at + ds + q] = d + 2 * m3;
    dst[at + 2 * ds + q] = s + 4 * m3;
    dst[at + 3 * ds + q] = d + 8 * m3 + src[from + 4 * ss + q]!;
  }
};

/** `AT` of F(4, 3). */
const at4r3: ApplyTransform = (dst, at, ds, src, from, ss, length) => {
  for (let q = 0; q < length; q++) {
    const m1 = src[from + ss + q]!;
    const m2 = src[from + 2 * ss + q]!;
    const m3 = src[from + 3 * ss + q]!;
    const m4 = src[from + 4 * ss + q]!;
    const a = m1 + m2;
    const b = m1 - m2;
    const c = m3 + m4;
    const e = m3 - m4;
    dst[at + q] = src[from + q]! + a + c;
    dst[at + ds + q] = b + 2 * e;
    dst[at + 2 * ds + q] = a + 4 * c;
    dst[at + 3 * ds + q] = b + 8 * e + src[from + 5 * ss + q]!;
  }
};

/** The written-out kernels, by the matrix each computes (core's `toomCook` points 0, 1, -1, 2, -2, ∞). */
export const KERNELS: readonly Kernel[] = [
  { rows: 3, cols: 3, matrix: [-1, 1, 0, 0, 1, 0, 0, -1, 1], apply: bt3 },
  { rows: 4, cols: 4, matrix: [-1, 0, 1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, -1, 0, 1], apply: bt4 },
  {
    rows: 5,
    cols: 5,
    matrix: [2, -1, -2, 1, 0, 0, -2, -1, 1, 0, 0, 2, -3, 1, 0, 0, -1, 0, 1, 0, 0, 2, -1, -2, 1],
    apply: bt5,
  },
  {
    rows: 6,
    cols: 6,
    matrix: [
      4, 0, -5, 0, 1, 0, 0, -4, -4, 1, 1, 0, 0, 4, -4, -1, 1, 0, 0, -2, -1, 2, 1, 0, 0, 2, -1, -2, 1, 0, 0, 4,
      0, -5, 0, 1,
    ],
    apply: bt6,
  },
  { rows: 2, cols: 3, matrix: [1, 1, 0, 0, 1, 1], apply: at2 },
  { rows: 3, cols: 4, matrix: [1, 1, 1, 0, 0, 1, -1, 0, 0, 1, 1, 1], apply: at3 },
  {
    rows: 4,
    cols: 5,
    matrix: [1, 1, 1, 1, 0, 0, 1, -1, 2, 0, 0, 1, 1, 4, 0, 0, 1, -1, 8, 1],
    apply: at4r2,
  },
  {
    rows: 4,
    cols: 6,
    matrix: [1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 0, 0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8, 1],
    apply: at4r3,
  },
];

/** The index in `KERNELS` of the kernel computing `K` (`rows x cols`), or -1 when none does. */
export function kernelFor(K: Float64Array, rows: number, cols: number): number {
  return KERNELS.findIndex((k) => k.rows === rows && k.cols === cols && k.matrix.every((v, i) => v === K[i]));
}

/**
 * Applies the sparse matrix `K` of `rows` rows (see `ApplyTransform`): kernel `kernel` of `KERNELS`
 * when there is one (`kernelFor`), else one `combine` pass per row.
 */
export function applyTransform(
  kernel: number,
  K: SparseRows,
  rows: number,
  dst: Float64Array,
  at: number,
  dstStep: number,
  src: Float64Array,
  from: number,
  srcStep: number,
  length: number,
): void {
  if (kernel >= 0) {
    KERNELS[kernel]!.apply(dst, at, dstStep, src, from, srcStep, length);
    return;
  }
  for (let i = 0; i < rows; i++) combine(dst, at + i * dstStep, K, i, src, from, srcStep, length);
}
