import { ProtoWriter } from './protobuf.js';

/** Geometry of one ConvTranspose node, in ONNX terms (all pairs are [height, width]). */
export interface OnnxConvTransposeSpec {
  readonly inputShape: readonly number[];
  readonly weight: Float32Array;
  readonly weightShape: readonly number[];
  readonly bias: Float32Array | null;
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly outputPadding: readonly [number, number];
  readonly groups: number;
  readonly outputShape: readonly number[];
}

// Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ...).
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2;
const ATTR_INTS = 7;
const IR_VERSION = 8;
const OPSET = 17;

function floatBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true); // raw_data is little-endian
  return out;
}

function tensorProto(w: ProtoWriter, name: string, dims: readonly number[], data: Float32Array): void {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, name);
  w.bytesField(9, floatBytes(data));
}

function valueInfo(w: ProtoWriter, name: string, shape: readonly number[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (t) => {
      t.int(1, FLOAT);
      t.message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

function intsAttribute(w: ProtoWriter, name: string, values: readonly number[]): void {
  w.message(5, (a) => {
    a.string(1, name);
    for (const v of values) a.int(8, v);
    a.int(20, ATTR_INTS);
  });
}

/** Serialises a ModelProto with one ConvTranspose node: input `X`, initializers `W` (and `B`), output `Y`. */
export function convTransposeModel(spec: OnnxConvTransposeSpec): Uint8Array {
  const [, , kH, kW] = spec.weightShape as [number, number, number, number];
  const model = new ProtoWriter();
  model.int(1, IR_VERSION);
  model.string(2, 'convt-benchmarks');
  model.message(7, (graph) => {
    graph.message(1, (node) => {
      node.string(1, 'X').string(1, 'W');
      if (spec.bias) node.string(1, 'B');
      node.string(2, 'Y').string(3, 'convtranspose').string(4, 'ConvTranspose');
      intsAttribute(node, 'kernel_shape', [kH, kW]);
      intsAttribute(node, 'strides', spec.stride);
      // ONNX pads are [top, left, bottom, right].
      intsAttribute(node, 'pads', [spec.padding[0], spec.padding[1], spec.padding[0], spec.padding[1]]);
      intsAttribute(node, 'dilations', spec.dilation);
      intsAttribute(node, 'output_padding', spec.outputPadding);
      node.message(5, (a) => a.string(1, 'group').int(3, spec.groups).int(20, ATTR_INT));
    });
    graph.string(2, 'convtranspose');
    graph.message(5, (t) => tensorProto(t, 'W', spec.weightShape, spec.weight));
    if (spec.bias) graph.message(5, (t) => tensorProto(t, 'B', [spec.bias!.length], spec.bias!));
    graph.message(11, (v) => valueInfo(v, 'X', spec.inputShape));
    graph.message(12, (v) => valueInfo(v, 'Y', spec.outputShape));
  });
  model.message(8, (opset) => opset.string(1, '').int(2, OPSET));
  return model.finish();
}
