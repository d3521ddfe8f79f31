import {
  type Backend,
  ConvTranspose2d,
  type ConvTranspose2dOptions,
  convTranspose2d,
  Random,
  type Tensor,
  UNIT_ROUNDOFF,
} from '@convt/core';
import type { ErrorCase, OutputCase } from './cases.js';
import { checkOutput, mutation, snapshot, type Verdict } from './check.js';
import { randomTensor, seedOf, tensorFromSpec, toFloat64 } from './data.js';
import { errorBounds } from './tolerance.js';

/** Runs one computing case: the reference in float64 gives the expectation, the backend's precision the bounds. */
export async function runOutputCase(backend: Backend, c: OutputCase): Promise<Verdict> {
  const random = new Random(seedOf(c.name));
  const input = randomTensor(c.inputShape, c.dtype, random);
  const weight = randomTensor(c.weightShape, c.dtype, random);
  const bias = c.params.bias ? randomTensor([c.params.outChannels], c.dtype, random) : null;
  const args = bias ? [input, weight, bias] : [input, weight];
  const names = ['input', 'weight', 'bias'];
  const copies = snapshot(args);
  const shapes = args.map((t) => [...t.shape]);

  const exact = convTranspose2d(toFloat64(input), toFloat64(weight), bias && toFloat64(bias), c.options);
  const u = backend.capabilities?.precision?.[c.dtype] ?? UNIT_ROUNDOFF[c.dtype];
  const bounds = errorBounds(input, weight, bias, c.options, exact.data as Float64Array, u, c.dtype);

  const result =
    c.route === 'module'
      ? await forwardModule(backend, c, weight, bias, input)
      : await backend.convTranspose2d(input, weight, bias, c.options);
  const verdict = checkOutput(result, exact.shape, exact.data as Float64Array, bounds, c.dtype, args);
  const changed = mutation(args, names, copies, shapes);
  if (changed)
    return {
      ...verdict,
      passed: false,
      message: `${changed}${verdict.message ? `; ${verdict.message}` : ''}`,
    };
  return verdict;
}

async function forwardModule(
  backend: Backend,
  c: OutputCase,
  weight: Tensor,
  bias: Tensor | null,
  input: Tensor,
): Promise<Tensor> {
  const { stride, padding, dilation, groups } = c.options;
  const options: ConvTranspose2dOptions = c.options.outputSize
    ? { stride, padding, dilation, groups }
    : { stride, padding, dilation, groups, outputPadding: c.options.outputPadding };
  const module = new ConvTranspose2d(c.params.inChannels, c.params.outChannels, c.params.kernelSize, {
    ...options,
    bias: c.params.bias,
    dtype: c.dtype,
    seed: seedOf(c.name),
    backend,
  });
  module.weight = weight;
  module.bias = bias;
  return module.forward(input, c.options.outputSize);
}

/** Runs one case that must fail with a `ConvTransposeError` of the expected code. */
export async function runErrorCase(backend: Backend, c: ErrorCase): Promise<Verdict> {
  const random = new Random(seedOf(c.name));
  let outcome: Promise<unknown>;
  try {
    outcome = startErrorCall(backend, c, random);
  } catch (error) {
    // Construction and assignment throw synchronously by design; a backend call must reject instead.
    if (c.call.route === 'backend') {
      return {
        passed: false,
        message: `threw synchronously (${describe(error)}); must return a rejected promise`,
      };
    }
    return judgeError(error, c);
  }
  try {
    const result = await outcome;
    return {
      passed: false,
      message: `resolved with ${describeResult(result)}; expected ConvTransposeError ${c.code}`,
    };
  } catch (error) {
    return judgeError(error, c);
  }
}

function startErrorCall(backend: Backend, c: ErrorCase, random: Random): Promise<unknown> {
  const call = c.call;
  if (call.route === 'backend') {
    const input = tensorFromSpec(call.input, random) as Tensor;
    const weight = tensorFromSpec(call.weight, random) as Tensor;
    const bias = tensorFromSpec(call.bias, random) as Tensor | null | undefined;
    return backend.convTranspose2d(input, weight, bias, call.options as ConvTranspose2dOptions);
  }
  const [inChannels, outChannels, kernelSize, options = {}] = call.args;
  const module = new ConvTranspose2d(inChannels as number, outChannels as number, kernelSize as number, {
    ...options,
    backend,
  });
  if (call.assign?.weight !== undefined) module.weight = tensorFromSpec(call.assign.weight, random) as Tensor;
  if (call.assign?.bias !== undefined)
    module.bias = tensorFromSpec(call.assign.bias, random) as Tensor | null;
  if (!call.forward) return Promise.resolve('a constructed module');
  const input = tensorFromSpec(call.forward.input, random) as Tensor;
  return module.forward(input, call.forward.outputSize as [number, number] | undefined);
}

function judgeError(error: unknown, c: ErrorCase): Verdict {
  const e = error as { name?: unknown; code?: unknown; parameter?: unknown; message?: unknown };
  // By name, not instanceof: the backend may load another copy of @convt/core.
  if (e?.name !== 'ConvTransposeError') {
    return { passed: false, message: `threw ${describe(error)}; expected ConvTransposeError ${c.code}` };
  }
  if (e.code !== c.code)
    return { passed: false, message: `code ${String(e.code)}, expected ${c.code}: ${e.message}` };
  if (typeof e.parameter !== 'string' || e.parameter === '') {
    return { passed: false, message: `error ${c.code} does not name its parameter: ${e.message}` };
  }
  return { passed: true, message: String(e.message) };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function describeResult(result: unknown): string {
  const t = result as Partial<Tensor> | null;
  if (t && Array.isArray(t.shape)) return `a tensor of shape [${t.shape}]`;
  return String(result);
}
