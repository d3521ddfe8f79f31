/**
 * The Winograd GEMM kernels: per transformed position, a block of 3 or 4 output-channel lanes of the
 * transformed weights `U` against 4 tiles of transformed input, sums in registers. Each kernel has a
 * copy for float32 `U` (see `WinogradWork.float32Weights`): one load site that saw both element
 * types would test the array's kind on every load.
 */

/**
 * Bound of the GEMM's indices into the transformed weights and input (2^30). The GEMM masks its
 * pointers with `INDEX_MASK`, and its input channel count with `CIN_MASK`, so V8 can prove that no
 * index addition overflows int32 and checks none of them. The masks are constants of this module:
 * an imported binding is a cell V8 loads, which tells it nothing about the range. Layers that would
 * reach either bound (8 GiB of transformed weights, 16M input channels per group) stay direct.
 */
export const INDEX_LIMIT = 2 ** 30;
const INDEX_MASK = INDEX_LIMIT - 1;
export const CIN_LIMIT = 2 ** 24;
const CIN_MASK = CIN_LIMIT - 1;

/** Computes one block of 4 tiles: `M[mo + lane * mLane + tile]` (see `gemm4x4`). */
export type Gemm = (
  u: number,
  V: Float64Array,
  v: number,
  cin: number,
  M: Float64Array,
  mo: number,
  mLane: number,
) => void;

/** The kernel for `U`'s element type and `lanes` (4 or 3) lanes per block. */
export function gemmFor(U: Float64Array | Float32Array, lanes: number): Gemm {
  if (U instanceof Float32Array) {
    const kernel = lanes === 4 ? gemm4x4Float32 : gemm3x4Float32;
    return (u, V, v, cin, M, mo, mLane) => kernel(U, u, V, v, cin, M, mo, mLane);
  }
  const kernel = lanes === 4 ? gemm4x4 : gemm3x4;
  return (u, V, v, cin, M, mo, mLane) => kernel(U, u, V, v, cin, M, mo, mLane);
}

/**
 * `M[xi][co][t] = sum_ci U[xi][co][ci] V[xi][t][ci]` for 4 lanes (a block of 4 of `U`
 * from `u`) and 4 tiles (from `v`, `cin` apart): 16 sums in registers, 8 loads
 * per 16 multiply-adds, input channels in order. Lane `l`, tile `k` lands at `M[mo + l * mLane + k]`.
 */
function gemm4x4(
  U: Float64Array,
  u: number,
  V: Float64Array,
  v: number,
  cin: number,
  M: Float64Array,
  mo: number,
  mLane: number,
): void {
  let a00 = 0,
    a01 = 0,
    a02 = 0,
    a03 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0,
    a30 = 0,
    a31 = 0,
    a32 = 0,
    a33 = 0;
  // Masked indices (see INDEX_MASK): no addition below can overflow int32, so none is checked.
  const n = cin & CIN_MASK;
  const end = (v & INDEX_MASK) + n;
  for (
    let q = v & INDEX_MASK, r = u & INDEX_MASK;
    q < end;
    q = (q + 1) & INDEX_MASK, r = (r + 4) & INDEX_MASK
  ) {
    const u0 = U[r]!,
      u1 = U[r + 1]!,
      u2 = U[r + 2]!,
      u3 = U[r + 3]!;
    const v0 = V[q]!,
      v1 = V[q + n]!,
      v2 = V[q + 2 * n]!,
      v3 = V[q + 3 * n]!;
    a00 += u0 * v0;
    a01 += u0 * v1;
    a02 += u0 * v2;
    a03 += u0 * v3;
    a10 += u1 * v0;
    a11 += u1 * v1;
    a12 += u1 * v2;
    a13 += u1 * v3;
    a20 += u2 * v0;
    a21 += u2 * v1;
    a22 += u2 * v2;
    a23 += u2 * v3;
    a30 += u3 * v0;
    a31 += u3 * v1;
    a32 += u3 * v2;
    a33 += u3 * v3;
  }
  M[mo] = a00;
  M[mo + 1] = a01;
  M[mo + 2] = a02;
  M[mo + 3] = a03;
  mo += mLane;
  M[mo] = a10;
  M[mo + 1] = a11;
  M[mo + 2] = a12;
  M[mo + 3] = a13;
  mo += mLane;
  M[mo] = a20;
  M[mo + 1] = a21;
  M[mo + 2] = a22;
  M[mo + 3] = a23;
  mo += mLane;
  M[mo] = a30;
  M[mo + 1] = a31;
  M[mo + 2] = a32;
  M[mo + 3] = a33;
}

/** `gemm4x4` for a block of 3 lanes: 12 sums in registers, 7 loads per 12 multiply-adds. */
function gemm3x4(
  U: Float64Array,
  u: number,
  V: Float64Array,
  v: number,
  cin: number,
  M: Float64Array,
  mo: number,
  mLane: number,
): void {
  let a00 = 0,
    a01 = 0,
    a02 = 0,
    a03 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0;
  const n = cin & CIN_MASK;
  const end = (v & INDEX_MASK) + n;
  for (
    let q = v & INDEX_MASK, r = u & INDEX_MASK;
    q < end;
    q = (q + 1) & INDEX_MASK, r = (r + 3) & INDEX_MASK
  ) {
    const u0 = U[r]!,
      u1 = U[r + 1]!,
      u2 = U[r + 2]!;
    const v0 = V[q]!,
      v1 = V[q + n]!,
      v2 = V[q + 2 * n]!,
      v3 = V[q + 3 * n]!;
    a00 += u0 * v0;
    a01 += u0 * v1;
    a02 += u0 * v2;
    a03 += u0 * v3;
    a10 += u1 * v0;
    a11 += u1 * v1;
    a12 += u1 * v2;
    a13 += u1 * v3;
    a20 += u2 * v0;
    a21 += u2 * v1;
    a22 += u2 * v2;
    a23 += u2 * v3;
  }
  M[mo] = a00;
  M[mo + 1] = a01;
  M[mo + 2] = a02;
  M[mo + 3] = a03;
  mo += mLane;
  M[mo] = a10;
  M[mo + 1] = a11;
  M[mo + 2] = a12;
  M[mo + 3] = a13;
  mo += mLane;
  M[mo] = a20;
  M[mo + 1] = a21;
  M[mo + 2] = a22;
  M[mo + 3] = a23;
}

/** `gemm4x4` over float32 transformed weights. */
function gemm4x4Float32(
  U: Float32Array,
  u: number,
  V: Float64Array,
  v: number,
  cin: number,
  M: Float64Array,
  mo: number,
  mLane: number,
): void {
  let a00 = 0,
    a01 = 0,
    a02 = 0,
    a03 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0,
    a30 = 0,
    a31 = 0,
    a32 = 0,
    a33 = 0;
  // Masked indices (see INDEX_MASK): no addition below can overflow int32, so none is checked.
  const n = cin & CIN_MASK;
  const end = (v & INDEX_MASK) + n;
  for (
    let q = v & INDEX_MASK, r = u & INDEX_MASK;
    q < end;
    q = (q + 1) & INDEX_MASK, r = (r + 4) & INDEX_MASK
  ) {
    const u0 = U[r]!,
      u1 = U[r + 1]!,
      u2 = U[r + 2]!,
      u3 = U[r + 3]!;
    const v0 = V[q]!,
      v1 = V[q + n]!,
      v2 = V[q + 2 * n]!,
      v3 = V[q + 3 * n]!;
    a00 += u0 * v0;
    a01 += u0 * v1;
    a02 += u0 * v2;
    a03 += u0 * v3;
    a10 += u1 * v0;
    a11 += u1 * v1;
    a12 += u1 * v2;
    a13 += u1 * v3;
    a20 += u2 * v0;
    a21 += u2 * v1;
    a22 += u2 * v2;
    a23 += u2 * v3;
    a30 += u3 * v0;
    a31 += u3 * v1;
    a32 += u3 * v2;
    a33 += u3 * v3;
  }
  M[mo] = a00;
  M[mo + 1] = a01;
  M[mo + 2] = a02;
  M[mo + 3] = a03;
  mo += mLane;
  M[mo] = a10;
  M[mo + 1] = a11;
  M[mo + 2] = a12;
  M[mo + 3] = a13;
  mo += mLane;
  M[mo] = a20;
  M[mo + 1] = a21;
  M[mo + 2] = a22;
  M[mo + 3] = a23;
  mo += mLane;
  M[mo] = a30;
  M[mo + 1] = a31;
  M[mo + 2] = a32;
  M[mo + 3] = a33;
}

/** `gemm3x4` over float32 transformed weights. */
function gemm3x4Float32(
  U: Float32Array,
  u: number,
  V: Float64Array,
  v: number,
  cin: number,
  M: Float64Array,
  mo: number,
  mLane: number,
): void {
  let a00 = 0,
    a01 = 0,
    a02 = 0,
    a03 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0;
  const n = cin & CIN_MASK;
  const end = (v & INDEX_MASK) + n;
  for (
    let q = v & INDEX_MASK, r = u & INDEX_MASK;
    q < end;
    q = (q + 1) & INDEX_MASK, r = (r + 3) & INDEX_MASK
  ) {
    const u0 = U[r]!,
      u1 = U[r + 1]!,
      u2 = U[r + 2]!;
    const v0 = V[q]!,
      v1 = V[q + n]!,
      v2 = V[q + 2 * n]!,
      v3 = V[q + 3 * n]!;
    a00 += u0 * v0;
    a01 += u0 * v1;
    a02 += u0 * v2;
    a03 += u0 * v3;
    a10 += u1 * v0;
    a11 += u1 * v1;
    a12 += u1 * v2;
    a13 += u1 * v3;
    a20 += u2 * v0;
    a21 += u2 * v1;
    a22 += u2 * v2;
    a23 += u2 * v3;
  }
  M[mo] = a00;
  M[mo + 1] = a01;
  M[mo + 2] = a02;
  M[mo + 3] = a03;
  mo += mLane;
  M[mo] = a10;
  M[mo + 1] = a11;
  M[mo + 2] = a12;
  M[mo + 3] = a13;
  mo += mLane;
  M[mo] = a20;
  M[mo + 1] = a21;
  M[mo + 2] = a22;
  M[mo + 3] = a23;
}
