import { planCall } from './call.js';
import type { ConvTranspose2dOptions } from './options.js';
import { allocate, type Tensor } from './tensor.js';

/**
 * The reference semantics: a direct scatter loop with float64 accumulation.
 *
 * Every input pixel `x[n, ci, ih, iw]` adds `x * w[ci, co, kh, kw]` to output
 * `[n, co, ih * stride - padding + kh * dilation, iw * stride - padding + kw * dilation]`
 * when that position lies inside the output. Products of float32 values are exact in float64, so the
 * only rounding of float32 work is the final conversion. Clarity first: this is every backend's oracle.
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTranspose2dOptions,
): Tensor {
  const { plan, dtype } = planCall(input, weight, bias, options);
  const { batch, groups, inChannelsPerGroup: cinG, outChannelsPerGroup: coutG } = plan;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = plan;
  const [sh, sw] = plan.stride;
  const [ph, pw] = plan.padding;
  const [dh, dw] = plan.dilation;
  const x = input.data;
  const w = weight.data;
  const acc = new Float64Array(batch * plan.outputImageSize);

  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      for (let icg = 0; icg < cinG; icg++) {
        const ci = g * cinG + icg;
        const xPlane = (n * plan.inChannels + ci) * H * W;
        for (let ocg = 0; ocg < coutG; ocg++) {
          const co = g * coutG + ocg;
          const outPlane = (n * plan.outChannels + co) * OH * OW;
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              const wv = w[((ci * coutG + ocg) * KH + kh) * KW + kw]!;
              // Input columns whose output column lands inside [0, OW).
              const offW = kw * dw - pw;
              const iwBegin = Math.max(0, Math.ceil(-offW / sw));
              const iwEnd = Math.min(W, Math.floor((OW - 1 - offW) / sw) + 1);
              for (let ih = 0; ih < H; ih++) {
                const oh = ih * sh - ph + kh * dh;
                if (oh < 0 || oh >= OH) continue;
                const xRow = xPlane + ih * W;
                const outRow = outPlane + oh * OW + offW;
                for (let iw = iwBegin; iw < iwEnd; iw++) acc[outRow + iw * sw]! += x[xRow + iw]! * wv;
              }
            }
          }
        }
      }
    }
  }

  if (bias != null) {
    const plane = OH * OW;
    for (let n = 0; n < batch; n++) {
      for (let co = 0; co < plan.outChannels; co++) {
        const b = bias.data[co]!;
        const base = (n * plan.outChannels + co) * plane;
        for (let i = 0; i < plane; i++) acc[base + i]! += b;
      }
    }
  }
  const data = allocate(dtype, acc.length);
  data.set(acc);
  return { shape: plan.outputShape, data };
}
