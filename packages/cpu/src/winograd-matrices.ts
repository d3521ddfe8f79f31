// The Toom-Cook matrices themselves live in core (`toomCook`), shared by every backend with a Winograd
// path; only the planner imports them. This module is also loaded by workers, which must import
// nothing outside this package (a worker may not resolve `@convt/core` as its parent does).

/**
 * The nonzero entries of a `rows x cols` matrix, row by row: row `i`'s are `[start[i], start[i + 1])`
 * of `col` and `coef`. The transforms apply them with `combine`, skipping the zeros (a third to a
 * half of the entries).
 */
export interface SparseRows {
  readonly start: Int32Array;
  readonly col: Int32Array;
  readonly coef: Float64Array;
}

export function sparseRows(K: Float64Array, rows: number, cols: number): SparseRows {
  const start = new Int32Array(rows + 1);
  const col: number[] = [];
  const coef: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = K[i * cols + j]!;
      if (v === 0) continue;
      col.push(j);
      coef.push(v);
    }
    start[i + 1] = col.length;
  }
  return { start, col: Int32Array.from(col), coef: Float64Array.from(coef) };
}

/**
 * `dst[at + q] = sum_k K[row][k] * src[from + k * step + q]` for `q < length`, over row `row`'s
 * nonzero entries in order; up to 4 per pass, so each destination value is stored once per 4 terms
 * rather than once per term (and each source loaded once). A row with no nonzero entry gives zeros.
 */
export function combine(
  dst: Float64Array,
  at: number,
  K: SparseRows,
  row: number,
  src: Float64Array,
  from: number,
  step: number,
  length: number,
): void {
  const { col, coef } = K;
  const end = K.start[row + 1]!;
  let e = K.start[row]!;
  if (e === end) {
    dst.fill(0, at, at + length);
    return;
  }
  for (let first = true; e < end; first = false) {
    const terms = Math.min(4, end - e);
    const c0 = coef[e]!;
    const s0 = from + col[e]! * step;
    const c1 = terms > 1 ? coef[e + 1]! : 0;
    const s1 = terms > 1 ? from + col[e + 1]! * step : 0;
    const c2 = terms > 2 ? coef[e + 2]! : 0;
    const s2 = terms > 2 ? from + col[e + 2]! * step : 0;
    const c3 = terms > 3 ? coef[e + 3]! : 0;
    const s3 = terms > 3 ? from + col[e + 3]! * step : 0;
    const d = at;
    if (first) {
      if (terms === 4)
        for (let q = 0; q < length; q++)
          dst[d + q] = c0 * src[s0 + q]! + c1 * src[s1 + q]! + c2 * src[s2 + q]! + c3 * src[s3 + q]!;
      else if (terms === 3)
        for (let q = 0; q < length; q++)
          dst[d + q] = c0 * src[s0 + q]! + c1 * src[s1 + q]! + c2 * src[s2 + q]!;
      else if (terms === 2)
        for (let q = 0; q < length; q++) dst[d + q] = c0 * src[s0 + q]! + c1 * src[s1 + q]!;
      else for (let q = 0; q < length; q++) dst[d + q] = c0 * src[s0 + q]!;
    } else {
      if (terms === 4)
        for (let q = 0; q < length; q++)
          dst[d + q] =
            dst[d + q]! + c0 * src[s0 + q]! + c1 * src[s1 + q]! + c2 * src[s2 + q]! + c3 * src[s3 + q]!;
      else if (terms === 3)
        for (let q = 0; q < length; q++)
          dst[d + q] = dst[d + q]! + c0 * src[s0 + q]! + c1 * src[s1 + q]! + c2 * src[s2 + q]!;
      else if (terms === 2)
        for (let q = 0; q < length; q++) dst[d + q] = dst[d + q]! + c0 * src[s0 + q]! + c1 * src[s1 + q]!;
      else for (let q = 0; q < length; q++) dst[d + q] = dst[d + q]! + c0 * src[s0 + q]!;
    }
    e += terms;
  }
}
