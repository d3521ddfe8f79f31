// Measures @convt/wasm against onnxruntime-web (wasm) on ../../shared/workloads.json (or benchmarks/),
// interleaved in one run, at 1 and 2 threads. Usage: node scripts/measure.mjs [filter] [--no-ort]
// Needs a build (dist/). Reports first-call cost (instantiate + pack + first run) apart from steady state.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Random, tensor } from '@convt/core';
import { createBackend } from '../dist/index.js';

const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--'));
const withOrt = !args.includes('--no-ort');
const workloadsPath = ['/work/shared/workloads.json', '/work/main/benchmarks/workloads.json'].find((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});
const workloads = JSON.parse(readFileSync(workloadsPath, 'utf8')).workloads.filter(
  (w) => !filter || w.name.includes(filter),
);

const pair = (v, d) => (v === undefined ? [d, d] : Array.isArray(v) ? v : [v, v]);

function tensors(w) {
  const random = new Random(1);
  const [n, cin, h, wd] = w.input;
  const k = pair(w.kernelSize);
  const groups = w.groups ?? 1;
  const make = (shape) => {
    const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
    random.fill(t.data, -1, 1);
    return t;
  };
  return {
    input: make([n, cin, h, wd]),
    weight: make([cin, w.outChannels / groups, ...k]),
    bias: make([w.outChannels]),
    options: {
      stride: w.stride ?? 1,
      padding: w.padding ?? 0,
      outputPadding: w.outputPadding ?? 0,
      dilation: w.dilation ?? 1,
      groups,
    },
  };
}

function flops(w) {
  const [n, cin, h, wd] = w.input;
  const [kh, kw] = pair(w.kernelSize);
  return 2 * n * cin * h * wd * (w.outChannels / (w.groups ?? 1)) * kh * kw;
}

/** Median seconds of `fn` over repeats filling about `budget` seconds (at least 3). */
async function time(fn, budget = 0.4) {
  const samples = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start < budget * 1000 && samples.length < 200)) {
    const t = performance.now();
    await fn();
    samples.push((performance.now() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

// --- A one-node ONNX model, protobuf-encoded by hand. ---
const varint = (v) => {
  const out = [];
  let x = BigInt(v);
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
};
const field = (no, wire, payload) => [...varint((no << 3) | wire), ...payload];
const bytesField = (no, bytes) => field(no, 2, [...varint(bytes.length), ...bytes]);
const str = (no, s) => bytesField(no, [...Buffer.from(s)]);
const int = (no, v) => field(no, 0, varint(v));
const intsAttr = (name, values) =>
  bytesField(5, [...str(1, name), ...values.flatMap((v) => int(8, v)), ...int(20, 7)]);
const intAttr = (name, v) => bytesField(5, [...str(1, name), ...int(3, v), ...int(20, 2)]);
const initializer = (name, t) =>
  bytesField(5, [
    ...t.shape.flatMap((d) => int(1, d)),
    ...int(2, 1),
    ...str(8, name),
    ...bytesField(9, [...new Uint8Array(t.data.buffer)]),
  ]);
const valueInfo = (no, name, shape) =>
  bytesField(no, [
    ...str(1, name),
    ...bytesField(
      2,
      bytesField(1, [
        ...int(1, 1),
        ...bytesField(
          2,
          shape.flatMap((d) => bytesField(1, int(1, d))),
        ),
      ]),
    ),
  ]);

function onnxModel(w, t, outputShape) {
  const o = t.options;
  const [ph, pw] = pair(o.padding);
  const node = bytesField(1, [
    ...str(1, 'x'),
    ...str(1, 'w'),
    ...str(1, 'b'),
    ...str(2, 'y'),
    ...str(4, 'ConvTranspose'),
    ...intsAttr('kernel_shape', pair(w.kernelSize)),
    ...intsAttr('strides', pair(o.stride)),
    ...intsAttr('pads', [ph, pw, ph, pw]),
    ...intsAttr('dilations', pair(o.dilation)),
    ...intsAttr('output_padding', pair(o.outputPadding)),
    ...intAttr('group', o.groups),
  ]);
  const graph = [
    ...node,
    ...str(2, 'g'),
    ...initializer('w', t.weight),
    ...initializer('b', t.bias),
    ...valueInfo(11, 'x', t.input.shape),
    ...valueInfo(12, 'y', outputShape),
  ];
  return new Uint8Array([
    ...int(1, 8),
    ...bytesField(8, [...str(1, ''), ...int(2, 17)]),
    ...bytesField(7, graph),
  ]);
}

async function loadOrt() {
  const require = createRequire('/work/main/benchmarks/package.json');
  return require('onnxruntime-web');
}

const ort = withOrt ? await loadOrt() : null;
const rows = [];
for (const threads of [1, 2]) {
  const created = performance.now();
  const backend = await createBackend({ threads });
  const instantiate = (performance.now() - created) / 1000;
  if (ort) {
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
  }
  for (const w of workloads) {
    const t = tensors(w);
    const gf = flops(w) / 1e9;
    let first = performance.now();
    const out = await backend.convTranspose2d(t.input, t.weight, t.bias, t.options);
    first = (performance.now() - first) / 1000;
    let ortRun = null;
    if (ort) {
      const session = await ort.InferenceSession.create(onnxModel(w, t, out.shape), {
        executionProviders: ['wasm'],
      });
      const feeds = { x: new ort.Tensor('float32', t.input.data, t.input.shape) };
      const y = (await session.run(feeds)).y.data;
      let worst = 0;
      for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - out.data[i]));
      if (worst > 1e-3) console.warn(`${w.name}: ort and wasm differ by ${worst}`);
      ortRun = () => session.run(feeds);
    }
    // Interleave: wasm, ort, wasm, ort; keep the better median of each.
    let ours = Infinity;
    let theirs = Infinity;
    for (let round = 0; round < 2; round++) {
      ours = Math.min(ours, await time(() => backend.convTranspose2d(t.input, t.weight, t.bias, t.options)));
      if (ortRun) theirs = Math.min(theirs, await time(ortRun));
    }
    rows.push({
      workload: w.name,
      threads,
      wasm: gf / ours,
      ort: ortRun ? gf / theirs : NaN,
      firstMs: first * 1000,
      instantiateMs: instantiate * 1000,
    });
    const r = rows[rows.length - 1];
    console.log(
      `${w.name.padEnd(13)} T=${threads}  wasm ${r.wasm.toFixed(2).padStart(6)} GFLOP/s  ort ${r.ort.toFixed(2).padStart(6)}  ratio ${(r.wasm / r.ort).toFixed(2)}  first call ${r.firstMs.toFixed(1)} ms (steady ${(ours * 1000).toFixed(2)} ms)`,
    );
  }
  console.log(`createBackend({ threads: ${threads} }): ${(instantiate * 1000).toFixed(1)} ms`);
  await backend.dispose();
}
console.log('\nscaling 1T -> 2T');
for (const w of workloads) {
  const [a, b] = [1, 2].map((t) => rows.find((r) => r.workload === w.name && r.threads === t));
  console.log(
    `${w.name.padEnd(13)} wasm ${(b.wasm / a.wasm).toFixed(2)}x  ort ${(b.ort / a.ort).toFixed(2)}x`,
  );
}
process.exit(0);
