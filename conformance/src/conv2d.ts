/**
 * A direct conv2d (cross-correlation) in float64, written apart from core's reference: the
 * transposed convolution is its adjoint, so `<conv2d(y, W), x> == <y, convTranspose2d(x, W)>`
 * checks the reference's geometry without sharing a line of it.
 *
 * `y` is `(N, C_y, OH, OW)`, `weight` is core's `(C_x, C_y / groups, kH, kW)` layout, and the result
 * is `(N, C_x, H, W)` with `H, W` given: output padding makes the size ambiguous, so it is passed in.
 */
export interface Conv2dArgs {
  readonly y: Float64Array;
  readonly yShape: readonly [number, number, number, number];
  readonly weight: Float64Array;
  readonly weightShape: readonly [number, number, number, number];
  readonly outSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

export function conv2d(a: Conv2dArgs): Float64Array {
  const [n, cy, oh, ow] = a.yShape;
  const [cx, cyPerGroup, kh, kw] = a.weightShape;
  const [h, w] = a.outSize;
  const cxPerGroup = cx / a.groups;
  const out = new Float64Array(n * cx * h * w);
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < cx; c++) {
      const g = Math.floor(c / cxPerGroup);
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          let sum = 0;
          for (let m = 0; m < cyPerGroup; m++) {
            const cIn = g * cyPerGroup + m;
            for (let p = 0; p < kh; p++) {
              const r = i * a.stride[0] - a.padding[0] + p * a.dilation[0];
              if (r < 0 || r >= oh) continue;
              for (let q = 0; q < kw; q++) {
                const s = j * a.stride[1] - a.padding[1] + q * a.dilation[1];
                if (s < 0 || s >= ow) continue;
                sum +=
                  a.y[((b * cy + cIn) * oh + r) * ow + s]! *
                  a.weight[((c * cyPerGroup + m) * kh + p) * kw + q]!;
              }
            }
          }
          out[((b * cx + c) * h + i) * w + j] = sum;
        }
      }
    }
  }
  return out;
}
