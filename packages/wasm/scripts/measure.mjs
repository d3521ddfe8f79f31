// Measures @convt/wasm against onnxruntime-web (wasm, SIMD) on ../../shared/workloads.json (or
// benchmarks/), side by side in one run. Needs a build (dist/).
//
//   node scripts/measure.mjs [--workload NAME[,NAME]] [--rounds N] [--threads 1,2] [--no-ort]
//
// onnxruntime-web fixes its thread count when it first initialises, so each thread count runs in a
// child process. Inside a child the contenders alternate per round (wasm at T threads, ort-web at T,
// and wasm at 1 thread when T > 1, for the 1 -> T scaling measured in the same run); each round
// times a median of a few calls, and the report takes the median over rounds, of the ratios too.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Random, tensor } from '@convt/core';
import { createBackend } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const names = option(
  'workload',
  args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')),
);
const rounds = Number(option('rounds', 5));
const threadCounts = option('threads', '1,2').split(',').map(Number);
const child = option('child', null);
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
  (w) => !names || names.split(',').some((n) => w.name.includes(n)),
);

const pair = (v, d) => (v === undefined ? [d, d] : Array.isArray(v) ? v : [v, v]);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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

/** Median seconds of `fn` over calls filling about `budget` seconds (at least 3 calls). */
async function time(fn, budget = 0.15) {
  const samples = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start < budget * 1000 && samples.length < 100)) {
    const t = performance.now();
    await fn();
    samples.push((performance.now() - t) / 1000);
  }
  return median(samples);
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

/** One thread count: every workload, contenders interleaved per round. Prints rows as JSON. */
async function measureChild(threads) {
  const ort = withOrt ? await loadOrt() : null;
  if (ort) {
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
  }
  let created = performance.now();
  const backend = await createBackend({ threads });
  const instantiateMs = performance.now() - created;
  const single = threads > 1 ? await createBackend({ threads: 1 }) : null;
  const rows = [];
  for (const w of workloads) {
    const t = tensors(w);
    const gf = flops(w) / 1e9;
    created = performance.now();
    const out = await backend.convTranspose2d(t.input, t.weight, t.bias, t.options);
    const firstMs = performance.now() - created;
    const contenders = { wasm: () => backend.convTranspose2d(t.input, t.weight, t.bias, t.options) };
    if (single) {
      await single.convTranspose2d(t.input, t.weight, t.bias, t.options);
      contenders.wasm1 = () => single.convTranspose2d(t.input, t.weight, t.bias, t.options);
    }
    if (ort) {
      const session = await ort.InferenceSession.create(onnxModel(w, t, out.shape), {
        executionProviders: ['wasm'],
      });
      const feeds = { x: new ort.Tensor('float32', t.input.data, t.input.shape) };
      const y = (await session.run(feeds)).y.data;
      let worst = 0;
      for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - out.data[i]));
      if (worst > 1e-3) console.error(`${w.name}: ort and wasm differ by ${worst}`);
      contenders.ort = () => session.run(feeds);
    }
    const seconds = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, fn] of Object.entries(contenders)) seconds[name].push(await time(fn));
    }
    const perRound = (a, b) => median(seconds[a].map((s, i) => seconds[b][i] / s));
    rows.push({
      workload: w.name,
      threads,
      wasm: gf / median(seconds.wasm),
      ort: ort ? gf / median(seconds.ort) : null,
      ratio: ort ? perRound('wasm', 'ort') : null,
      wasm1: single ? gf / median(seconds.wasm1) : null,
      scaling: single ? perRound('wasm', 'wasm1') : null,
      firstMs,
      steadyMs: median(seconds.wasm) * 1000,
      instantiateMs,
    });
    console.error(`  T=${threads} ${w.name} done`);
  }
  await backend.dispose();
  await single?.dispose();
  console.log(JSON.stringify(rows));
}

const fmt = (v, digits = 1) => (v === null || v === undefined ? '-' : v.toFixed(digits));

if (child) {
  await measureChild(Number(child));
  process.exit(0);
}

const rows = [];
const loadBefore = loadavg()[0];
for (const threads of threadCounts) {
  const forwarded = args.filter((a, i) => a !== '--threads' && args[i - 1] !== '--threads');
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...forwarded, '--child', String(threads)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  if (run.status !== 0) throw new Error(`measuring at ${threads} threads failed (${run.status})`);
  rows.push(...JSON.parse(run.stdout.trim().split('\n').pop()));
}

const find = (name, threads) => rows.find((r) => r.workload === name && r.threads === threads);
console.log(`GFLOP/s, median of ${rounds} interleaved rounds; ratio = median of per-round wasm/ort;`);
console.log(
  `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after: other jobs skew the timings.`,
);
console.log('scaling = wasm 2T / wasm 1T measured interleaved in the 2-thread run.\n');
console.log(
  '| workload | wasm 1T | ort 1T | ratio 1T | wasm 2T | ort 2T | ratio 2T | scaling 1T->2T | first call 1T (ms) | steady 1T (ms) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const w of workloads) {
  const a = find(w.name, 1) ?? {};
  const b = find(w.name, 2) ?? {};
  console.log(
    `| ${w.name} | ${fmt(a.wasm)} | ${fmt(a.ort)} | ${fmt(a.ratio, 2)} | ${fmt(b.wasm)} | ${fmt(b.ort)} | ${fmt(b.ratio, 2)} | ${fmt(b.scaling, 2)} | ${fmt(a.firstMs)} | ${fmt(a.steadyMs, 2)} |`,
  );
}
for (const threads of threadCounts) {
  const r = rows.find((x) => x.threads === threads);
  if (r) console.log(`\ncreateBackend({ threads: ${threads} }): ${r.instantiateMs.toFixed(1)} ms`);
}
process.exit(0);
