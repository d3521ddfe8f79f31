import {
  allocate,
  type Backend,
  type BackendCapabilities,
  type ConvTranspose2dOptions,
  planCall,
  referenceBackend,
  type Tensor,
} from '@convt/core';
import { describe, expect, it } from 'vitest';
import { type ConformanceReport, runConformance } from './runner.js';

/** What a faulty backend gets wrong; each must make the suite fail. */
interface Faults {
  /** Uses the row padding for columns when dilation > 1 and the padding is asymmetric. */
  dilationAsymmetricPadding?: boolean;
  /** Rounds every partial sum to float32 (honest float32 arithmetic: must pass). */
  float32Sums?: boolean;
  /** Rounds every partial sum to 11 bits while declaring float32 precision. */
  halfSums?: boolean;
  /** Returns float64 data for float32 input. */
  widenOutput?: boolean;
  /** Zeroes the input after reading it. */
  mutateInput?: boolean;
  /** Ignores the bias. */
  dropBias?: boolean;
  /** Rejects output padding that is legal only because of dilation, as onnxruntime does. */
  strictOutputPadding?: boolean;
  /** Computes float64 while declaring only float32 (does not reject it). */
  acceptFloat64?: boolean;
}

const HALF = 2 ** 11;
const roundHalf = (x: number) => {
  if (x === 0) return 0;
  const e = 2 ** Math.floor(Math.log2(Math.abs(x)));
  return (Math.round((x / e) * HALF) / HALF) * e;
};

/** A direct scatter loop with injectable faults: a backend written independently of the reference. */
function faultyBackend(name: string, faults: Faults): Backend {
  const capabilities: BackendCapabilities = {
    dtypes: ['float32'],
    precision: { float32: faults.float32Sums || faults.halfSums ? 2 ** -24 : 2 ** -53 },
    threads: 1,
  };
  return {
    name,
    capabilities,
    async convTranspose2d(
      input: Tensor,
      weight: Tensor,
      bias?: Tensor | null,
      options?: ConvTranspose2dOptions,
    ) {
      if (faults.strictOutputPadding) {
        const { stride = 1, outputPadding = 0 } = options ?? {};
        const pair = (v: number | readonly number[]) => (typeof v === 'number' ? [v, v] : v);
        if (pair(outputPadding).some((op, i) => op >= pair(stride)[i]!)) {
          throw Object.assign(new Error('outputPadding must be smaller than stride'), {
            name: 'ConvTransposeError',
            code: 'OUTPUT_PADDING_RULE',
            parameter: 'outputPadding',
          });
        }
      }
      const { plan, dtype } = planCall(
        input,
        weight,
        bias,
        options,
        faults.acceptFloat64 ? ['float32', 'float64'] : ['float32'],
        name,
      );
      const { batch, inChannelsPerGroup: cinG, outChannelsPerGroup: coutG } = plan;
      const {
        inHeight: H,
        inWidth: W,
        outHeight: OH,
        outWidth: OW,
        kernelHeight: KH,
        kernelWidth: KW,
      } = plan;
      const [sh, sw] = plan.stride;
      const [dh, dw] = plan.dilation;
      const [ph, truePw] = plan.padding;
      const pw = faults.dilationAsymmetricPadding && (dh > 1 || dw > 1) && ph !== truePw ? ph : truePw;
      const round = faults.halfSums ? roundHalf : faults.float32Sums ? Math.fround : (x: number) => x;
      const acc = new Float64Array(batch * plan.outputImageSize);
      for (let n = 0; n < batch; n++) {
        for (let co = 0; co < plan.outChannels; co++) {
          const g = Math.floor(co / coutG);
          const base = (n * plan.outChannels + co) * OH * OW;
          if (bias && !faults.dropBias) acc.fill(bias.data[co]!, base, base + OH * OW);
          for (let c = 0; c < cinG; c++) {
            const ci = g * cinG + c;
            for (let ih = 0; ih < H; ih++) {
              for (let iw = 0; iw < W; iw++) {
                const x = input.data[((n * plan.inChannels + ci) * H + ih) * W + iw]!;
                for (let kh = 0; kh < KH; kh++) {
                  const oh = ih * sh - ph + kh * dh;
                  if (oh < 0 || oh >= OH) continue;
                  for (let kw = 0; kw < KW; kw++) {
                    const ow = iw * sw - pw + kw * dw;
                    if (ow < 0 || ow >= OW) continue;
                    const wv = weight.data[((ci * coutG + (co - g * coutG)) * KH + kh) * KW + kw]!;
                    const at = base + oh * OW + ow;
                    acc[at] = round(acc[at]! + round(x * wv));
                  }
                }
              }
            }
          }
        }
      }
      if (faults.mutateInput) input.data.fill(0);
      const data = faults.widenOutput ? new Float64Array(acc.length) : allocate(dtype, acc.length);
      data.set(acc);
      return { shape: plan.outputShape, data };
    },
  };
}

const failing = (report: ConformanceReport) => report.failures.map((f) => `${f.name}: ${f.message}`);

describe('runConformance', () => {
  it('passes the reference backend on several hundred valid cases and every invalid one', async () => {
    const report = await runConformance(referenceBackend);
    expect(failing(report)).toEqual([]);
    expect(report.backend).toBe('reference');
    expect(report.valid.total).toBeGreaterThan(300);
    expect(report.invalid.total).toBeGreaterThan(60);
    expect(report.total).toBe(report.valid.total + report.invalid.total);
    expect(report.results.filter((r) => r.kind === 'dtype' && r.expects === 'output').length).toBeGreaterThan(
      50,
    );
    expect(report.results.filter((r) => r.kind === 'module').length).toBeGreaterThan(50);
  });

  it('runs a quick subset of about 60 valid cases, and reports progress', async () => {
    const progress: number[] = [];
    const report = await runConformance(referenceBackend, {
      quick: true,
      onProgress: (done) => progress.push(done),
    });
    expect(failing(report)).toEqual([]);
    expect(report.valid.total).toBeGreaterThanOrEqual(50);
    expect(report.valid.total).toBeLessThan(120);
    expect(progress).toEqual(report.results.map((_, i) => i + 1));
  });

  it('filters by name', async () => {
    const report = await runConformance(referenceBackend, { filter: /^invalid STRIDE_RANGE/g });
    expect(report.results.map((r) => r.name)).toEqual([
      'invalid STRIDE_RANGE: stride=0',
      'invalid STRIDE_RANGE: stride=[1,-1]',
    ]);
    expect((await runConformance(referenceBackend, { filter: 'g=6(dw)' })).valid.total).toBeGreaterThan(10);
  });

  it('passes an honest float32 backend: the bounds follow the declared precision', async () => {
    const report = await runConformance(faultyBackend('float32 sums', { float32Sums: true }));
    expect(failing(report)).toEqual([]);
    // A float32-only backend gets DTYPE_UNSUPPORTED cases instead of float64 ones.
    expect(report.results.filter((r) => r.kind === 'dtype').map((r) => r.expects)).toEqual([
      'error',
      'error',
      'error',
      'error',
    ]);
    expect(report.valid.total).toBeGreaterThan(300);
  });

  it('catches a backend that mishandles dilation with asymmetric padding', async () => {
    const report = await runConformance(faultyBackend('broken', { dilationAsymmetricPadding: true }));
    expect(report.failed).toBeGreaterThan(20);
    expect(report.invalid.passed).toBe(report.invalid.total);
    for (const f of report.failures) {
      expect(f.name).toMatch(/d=\[(?!1,1\])/);
      expect(f.maxError).toBeGreaterThan(1e-3);
      expect(f.message).toMatch(/expected .* > bound|output shape/);
    }
    expect(report.failures.map((f) => f.name)).toContain(
      's=[1,1] p=[0,3] op=[0,0] d=[2,3] g=1 k=[3,3] n=1 c=[2,3] x=[3,5] bias',
    );
  });

  it.each([
    ['half-precision sums declared as float32', { halfSums: true }, /bound/],
    ['float64 output for float32 input', { widenOutput: true }, /Float64Array, expected Float32Array/],
    ['input mutated', { mutateInput: true }, /input.data\[\d+\] was changed/],
    ['bias ignored', { dropBias: true }, /bound/],
    ['output padding legal by dilation rejected', { strictOutputPadding: true }, /OUTPUT_PADDING_RULE/],
    [
      'float64 computed though not declared',
      { acceptFloat64: true },
      /resolved with a tensor.*DTYPE_UNSUPPORTED/,
    ],
  ] as const)('catches a backend with %s', async (_, faults, message) => {
    const report = await runConformance(faultyBackend('broken', faults), { quick: true });
    expect(report.failed).toBeGreaterThan(0);
    expect(report.failures.some((f) => message.test(f.message ?? ''))).toBe(true);
  });

  it('catches a backend that throws synchronously or with a foreign error', async () => {
    const sync: Backend = {
      ...referenceBackend,
      name: 'sync',
      convTranspose2d: (input, weight, bias, options) => {
        if (input == null) throw new TypeError('input is null');
        return referenceBackend.convTranspose2d(input, weight, bias, options);
      },
    };
    const report = await runConformance(sync, { filter: 'invalid INVALID_TENSOR: input null' });
    expect(failing(report)).toEqual([
      'invalid INVALID_TENSOR: input null: threw synchronously (TypeError: input is null); must return a rejected promise',
    ]);
  });

  it('fails a case that never settles, and goes on', async () => {
    const hung: Backend = { ...referenceBackend, name: 'hung', convTranspose2d: () => new Promise(() => {}) };
    const report = await runConformance(hung, { filter: /^invalid STRIDE_RANGE/, timeoutMs: 20 });
    expect(failing(report)).toEqual([
      'invalid STRIDE_RANGE: stride=0: threw Error: did not settle within 20 ms',
      'invalid STRIDE_RANGE: stride=[1,-1]: threw Error: did not settle within 20 ms',
    ]);
  });
});
