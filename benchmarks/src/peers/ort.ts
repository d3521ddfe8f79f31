import type * as OrtNode from 'onnxruntime-node';
import { convTransposeModel } from '../onnx.js';
import type { Case } from '../workloads.js';
import { FLOAT32_ROUNDOFF, type Prepared, type Runner, Unsupported } from './types.js';

/** Both packages re-export the same onnxruntime-common API. */
type Ort = typeof OrtNode;

/** onnxruntime accepts output padding only below the stride (not the dilation-only case torch allows). */
function checkSupported(c: Case): void {
  const { outputPadding, stride } = c.plan;
  for (const i of [0, 1] as const) {
    if (outputPadding[i] >= stride[i]) {
      throw new Unsupported(`outputPadding[${i}]=${outputPadding[i]} >= stride[${i}]=${stride[i]}`);
    }
  }
}

function ortRunner(
  ort: Ort,
  sessionOptions: OrtNode.InferenceSession.SessionOptions,
  details: object,
): Runner {
  return {
    unitRoundoff: FLOAT32_ROUNDOFF,
    details: { version: ort.env.versions?.common, ...details },
    async prepare(c: Case): Promise<Prepared> {
      checkSupported(c);
      const p = c.plan;
      const model = convTransposeModel({
        inputShape: p.inputShape,
        weight: c.weight.data as Float32Array,
        weightShape: p.weightShape,
        bias: c.bias.data as Float32Array,
        stride: p.stride,
        padding: p.padding,
        dilation: p.dilation,
        outputPadding: p.outputPadding,
        groups: p.groups,
        outputShape: p.outputShape,
      });
      const session = await ort.InferenceSession.create(model, sessionOptions);
      const input = new ort.Tensor('float32', c.input.data as Float32Array, p.inputShape);
      return {
        async run() {
          const result = await session.run({ X: input });
          const y = result.Y!;
          const data = y.data as Float32Array;
          y.dispose();
          return data;
        },
        dispose: () => session.release(),
      };
    },
  };
}

/** onnxruntime-node: the native CPU execution provider (MLAS), `threads` intra-op threads. */
export async function ortNodeRunner(threads: number): Promise<Runner> {
  const ort = (await import('onnxruntime-node')) as Ort;
  return ortRunner(
    ort,
    {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    },
    { threads },
  );
}

/**
 * onnxruntime-web: the wasm (SIMD) execution provider. Its thread count is global to the module
 * (`env.wasm.numThreads`, fixed at first use), which is one reason each runner lives in its own process.
 */
export async function ortWebRunner(threads: number): Promise<Runner> {
  const ort = (await import('onnxruntime-web')) as unknown as Ort;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  return ortRunner(ort, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }, { threads });
}
