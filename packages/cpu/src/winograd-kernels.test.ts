import { Random, toomCook } from '@convt/core';
import { describe, expect, it } from 'vitest';
import { applyTransform, KERNELS, kernelFor } from './winograd-kernels.js';
import { sparseRows } from './winograd-matrices.js';

/** The matrix product in plain loops: `dst[i][q] = sum_k K[i][k] src[k][q]`. */
function dense(K: readonly number[], rows: number, cols: number, src: Float64Array, length: number) {
  const dst = new Float64Array(rows * length);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++)
      for (let q = 0; q < length; q++) dst[i * length + q]! += K[i * cols + k]! * src[k * length + q]!;
  }
  return dst;
}

describe('written-out Winograd kernels', () => {
  it.each(KERNELS.map((k, i) => [`${k.rows}x${k.cols} #${i}`, i] as const))(
    '%s computes its matrix, with strides and offsets',
    (_, index) => {
      const { rows, cols, matrix, apply } = KERNELS[index]!;
      const length = 13;
      const src = new Float64Array(cols * length);
      new Random(index + 1).fill(src, -1, 1);
      const expected = dense(matrix, rows, cols, src, length);
      // Source rows 17 apart from offset 5, destination rows 19 apart from offset 3.
      const from = new Float64Array(5 + cols * 17);
      for (let k = 0; k < cols; k++) from.set(src.subarray(k * length, (k + 1) * length), 5 + k * 17);
      const dst = new Float64Array(3 + rows * 19);
      apply(dst, 3, 19, from, 5, 17, length);
      for (let i = 0; i < rows; i++) {
        for (let q = 0; q < length; q++) {
          expect(dst[3 + i * 19 + q]).toBeCloseTo(expected[i * length + q]!, 13);
        }
      }
    },
  );

  it.each([
    [2, 2],
    [3, 2],
    [4, 2],
    [4, 3],
  ])("covers F(%i, %i)'s input and output transforms from core's toomCook", (m, r) => {
    const { n, AT, BT } = toomCook(m, r);
    expect(kernelFor(BT, n, n)).toBeGreaterThanOrEqual(0);
    expect(kernelFor(AT, m, n)).toBeGreaterThanOrEqual(0);
  });

  it('leaves other matrices to the sparse rows, with the same result', () => {
    const { n, BT } = toomCook(6, 2); // n = 7: no written-out kernel
    expect(kernelFor(BT, n, n)).toBe(-1);
    const length = 7;
    const src = new Float64Array(n * length);
    new Random(3).fill(src, -1, 1);
    const dst = new Float64Array(n * length);
    applyTransform(-1, sparseRows(BT, n, n), n, dst, 0, length, src, 0, length, length);
    const expected = dense(Array.from(BT), n, n, src, length);
    for (let i = 0; i < dst.length; i++) expect(dst[i]).toBeCloseTo(expected[i]!, 13);
  });
});
