import type { Case } from '../workloads.js';
import { FLOAT32_ROUNDOFF, type Runner } from './types.js';

/**
 * The floor: the textbook scatter loop in float32, as one would write it without thinking about speed.
 * Every input pixel times every kernel tap is added to the output position it lands on.
 */
export function naiveConvTranspose2d(c: Case): Float32Array {
  const p = c.plan;
  const x = c.input.data;
  const w = c.weight.data;
  const b = c.bias.data;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const out = new Float32Array(p.batch * p.outputImageSize);
  for (let n = 0; n < p.batch; n++) {
    for (let ci = 0; ci < p.inChannels; ci++) {
      const g = Math.floor(ci / p.inChannelsPerGroup);
      for (let ih = 0; ih < p.inHeight; ih++) {
        for (let iw = 0; iw < p.inWidth; iw++) {
          const xv = x[((n * p.inChannels + ci) * p.inHeight + ih) * p.inWidth + iw]!;
          for (let ocg = 0; ocg < p.outChannelsPerGroup; ocg++) {
            const co = g * p.outChannelsPerGroup + ocg;
            for (let kh = 0; kh < p.kernelHeight; kh++) {
              const oh = ih * sh - ph + kh * dh;
              if (oh < 0 || oh >= p.outHeight) continue;
              for (let kw = 0; kw < p.kernelWidth; kw++) {
                const ow = iw * sw - pw + kw * dw;
                if (ow < 0 || ow >= p.outWidth) continue;
                const wv =
                  w[((ci * p.outChannelsPerGroup + ocg) * p.kernelHeight + kh) * p.kernelWidth + kw]!;
                out[((n * p.outChannels + co) * p.outHeight + oh) * p.outWidth + ow]! += xv * wv;
              }
            }
          }
        }
      }
    }
  }
  const plane = p.outHeight * p.outWidth;
  for (let i = 0; i < out.length; i++) out[i]! += b[Math.floor(i / plane) % p.outChannels]!;
  return out;
}

export async function naiveRunner(): Promise<Runner> {
  return {
    unitRoundoff: FLOAT32_ROUNDOFF,
    details: { accumulation: 'float32' },
    async prepare(c) {
      return { run: async () => naiveConvTranspose2d(c) };
    },
  };
}
