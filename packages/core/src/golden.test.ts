import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConvTranspose2dOptions } from './options.js';
import { convTranspose2d } from './reference.js';
import { type DType, type Tensor, tensor } from './tensor.js';

interface GoldenTensor {
  shape: number[];
  data: number[];
}
interface GoldenCase {
  name: string;
  dtype: DType;
  options: ConvTranspose2dOptions;
  input: GoldenTensor;
  weight: GoldenTensor;
  bias: GoldenTensor | null;
  output: GoldenTensor;
}

const golden = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

/** Per element: the sum of |x * w| over the terms PyTorch added (plus |bias|), by brute force. */
function termMagnitudes(c: GoldenCase): Float64Array {
  const abs = (t: GoldenTensor): Tensor => tensor(t.data.map(Math.abs), t.shape, 'float64');
  return convTranspose2d(abs(c.input), abs(c.weight), c.bias && abs(c.bias), c.options).data as Float64Array;
}

describe('reference against PyTorch 1.13 golden cases', () => {
  it('covers the sweep', () => {
    const names = golden.cases.map((c) => c.name).join('\n');
    for (const topic of [
      'stride=4',
      'dilation=3',
      'groups=3',
      'depthwise',
      'legal by dilation',
      'outputSize min',
      'outputSize max',
      'unbatched',
      'no bias',
      'batch=3',
      'kernel=5',
      'float64',
    ]) {
      expect(names).toContain(topic);
    }
  });

  for (const c of golden.cases) {
    it(`${c.name} (${c.dtype})`, () => {
      const input = tensor(c.input.data, c.input.shape, c.dtype);
      const weight = tensor(c.weight.data, c.weight.shape, c.dtype);
      const bias = c.bias && tensor(c.bias.data, c.bias.shape, c.dtype);
      const out = convTranspose2d(input, weight, bias, c.options);
      expect(out.shape).toEqual(c.output.shape);
      expect(out.data).toBeInstanceOf(c.dtype === 'float64' ? Float64Array : Float32Array);
      const magnitude = termMagnitudes(c);
      const relative = c.dtype === 'float32' ? 1e-5 : 1e-12;
      let worst = 0;
      for (let i = 0; i < out.data.length; i++) {
        const error = Math.abs(out.data[i]! - c.output.data[i]!) / Math.max(magnitude[i]!, 1e-30);
        worst = Math.max(worst, error);
      }
      expect(worst).toBeLessThanOrEqual(relative);
    });
  }
});
