import { convTranspose2d, type Tensor } from '@convt/core';
import { describe, expect, it } from 'vitest';
import { checkOutput, expected } from './check.js';
import { convTransposeModel } from './onnx.js';
import { ProtoWriter, readFields } from './protobuf.js';
import { makeCase, type Workload } from './workloads.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const sub = (fields: ReturnType<typeof readFields>, field: number) =>
  fields.filter((f) => f.field === field).map((f) => ('bytes' in f ? f.bytes : new Uint8Array()));

describe('ProtoWriter', () => {
  it('writes varints, negative ints, strings and nested messages that read back', () => {
    const bytes = new ProtoWriter()
      .int(1, 300)
      .int(2, 2 ** 40)
      .int(3, -1)
      .string(4, 'ConvTranspose')
      .message(5, (w) => w.int(1, 7))
      .finish();
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0x08, 0xac, 0x02]); // the protobuf docs' 300
    const fields = readFields(bytes);
    expect(fields.map((f) => f.field)).toEqual([1, 2, 3, 4, 5]);
    expect(fields[0]).toEqual({ field: 1, value: 300n });
    expect(fields[1]).toEqual({ field: 2, value: 2n ** 40n });
    expect(fields[2]).toEqual({ field: 3, value: 2n ** 64n - 1n });
    expect(text(sub(fields, 4)[0]!)).toBe('ConvTranspose');
    expect(readFields(sub(fields, 5)[0]!)).toEqual([{ field: 1, value: 7n }]);
  });
});

const tiny: Workload = {
  name: 'tiny',
  input: [2, 4, 3, 5],
  outChannels: 6,
  kernelSize: [3, 2],
  stride: [2, 3],
  padding: [1, 0],
  outputPadding: [1, 2],
  dilation: [2, 1],
  groups: 2,
};

function spec(c: ReturnType<typeof makeCase>) {
  const p = c.plan;
  return {
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
  };
}

describe('convTransposeModel', () => {
  it('encodes one ConvTranspose node with its attributes and initializers', () => {
    const c = makeCase(tiny);
    const model = readFields(convTransposeModel(spec(c)));
    const graph = readFields(sub(model, 7)[0]!);
    const node = readFields(sub(graph, 1)[0]!);
    expect(text(sub(node, 4)[0]!)).toBe('ConvTranspose');
    expect(sub(node, 1).map(text)).toEqual(['X', 'W', 'B']);
    const attributes = sub(node, 5).map((a) => {
      const f = readFields(a);
      const ints = f
        .filter((x) => x.field === 8 || x.field === 3)
        .map((x) => ('value' in x ? Number(x.value) : 0));
      return [text(sub(f, 1)[0]!), ints];
    });
    expect(Object.fromEntries(attributes)).toEqual({
      kernel_shape: [3, 2],
      strides: [2, 3],
      pads: [1, 0, 1, 0],
      dilations: [2, 1],
      output_padding: [1, 2],
      group: [2],
    });
    expect(sub(graph, 5)).toHaveLength(2); // W and B
  });

  it('runs through onnxruntime-node and matches the reference', async () => {
    const ort = await import('onnxruntime-node');
    // onnxruntime rejects output padding that only the dilation allows, so keep it below the stride here.
    const c = makeCase({ ...tiny, outputPadding: [1, 1] });
    const session = await ort.InferenceSession.create(convTransposeModel(spec(c)));
    const result = await session.run({
      X: new ort.Tensor('float32', c.input.data as Float32Array, c.plan.inputShape),
    });
    const y = result.Y!;
    expect(y.dims).toEqual(c.plan.outputShape);
    const check = checkOutput(y.data as Float32Array, expected(c), 2 ** -24);
    expect(check.ok, check.reason).toBe(true);
    // And the float32 reference agrees with it, to the last bits.
    const ref: Tensor = convTranspose2d(c.input, c.weight, c.bias, c.options);
    expect(Array.from(y.data as Float32Array).every((v, i) => Math.abs(v - ref.data[i]!) < 1e-5)).toBe(true);
    await session.release();
  });
});
