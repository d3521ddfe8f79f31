import type { Case } from '../workloads.js';
import { FLOAT32_ROUNDOFF, type Prepared, type Runner, Unsupported } from './types.js';

/** tfjs `conv2dTranspose` has no groups and no dilation, and takes NHWC with an explicit output shape. */
function checkSupported(c: Case): void {
  const p = c.plan;
  if (p.groups !== 1) throw new Unsupported(`groups=${p.groups} (tfjs has no grouped conv2dTranspose)`);
  if (p.dilation[0] !== 1 || p.dilation[1] !== 1) {
    throw new Unsupported(`dilation=[${p.dilation}] (tfjs conv2dTranspose has no dilation)`);
  }
  if (p.padding[0] !== p.padding[1]) throw new Unsupported(`padding=[${p.padding}] (tfjs takes one pad)`);
}

function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let i = 0; i < h! * w!; i++) out[(b * h! * w! + i) * c! + ch] = data[(b * c! + ch) * h! * w! + i]!;
  return out;
}

function nhwcToNchw(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let i = 0; i < h! * w!; i++) out[(b * c! + ch) * h! * w! + i] = data[(b * h! * w! + i) * c! + ch]!;
  return out;
}

/** torch weight (Cin, Cout, kH, kW) to tfjs filter (kH, kW, Cout, Cin). */
function filterLayout(data: Float32Array, [ci, co, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < ci!; i++)
    for (let o = 0; o < co!; o++)
      for (let y = 0; y < kh!; y++)
        for (let x = 0; x < kw!; x++)
          out[((y * kw! + x) * co! + o) * ci! + i] = data[((i * co! + o) * kh! + y) * kw! + x]!;
  return out;
}

/**
 * tfjs with one of its backends. The input and weights are uploaded once (a tfjs user holds them as
 * tensors); each timed call runs conv2dTranspose, adds the bias and reads the result back.
 * The NHWC result is turned back into NCHW for the correctness check only, outside the timing.
 */
export async function tfjsRunner(backend: 'cpu' | 'wasm'): Promise<Runner> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not start`);
  await tf.ready();
  const features = tf.env().features;
  return {
    unitRoundoff: FLOAT32_ROUNDOFF,
    details: {
      version: tf.version_core,
      simd: features.WASM_HAS_SIMD_SUPPORT,
      multithread: features.WASM_HAS_MULTITHREAD_SUPPORT,
    },
    async prepare(c: Case): Promise<Prepared> {
      checkSupported(c);
      const p = c.plan;
      const x = tf.tensor4d(nchwToNhwc(c.input.data as Float32Array, p.inputShape), [
        p.batch,
        p.inHeight,
        p.inWidth,
        p.inChannels,
      ]);
      const filter = tf.tensor4d(filterLayout(c.weight.data as Float32Array, p.weightShape), [
        p.kernelHeight,
        p.kernelWidth,
        p.outChannels,
        p.inChannels,
      ]);
      const bias = tf.tensor1d(c.bias.data as Float32Array);
      const outShape: [number, number, number, number] = [p.batch, p.outHeight, p.outWidth, p.outChannels];
      const nchwShape = [p.batch, p.outChannels, p.outHeight, p.outWidth];
      return {
        async run() {
          const y = tf.tidy(() =>
            tf.add(tf.conv2dTranspose(x, filter, outShape, [p.stride[0], p.stride[1]], p.padding[0]), bias),
          );
          const data = (await y.data()) as Float32Array;
          y.dispose();
          return data;
        },
        toNchw: (out) => nhwcToNchw(out as Float32Array, nchwShape),
        dispose() {
          tf.dispose([x, filter, bias]);
        },
      };
    },
  };
}
