// Winograd against the direct path on the shared workloads, interleaved in one process so that load
// from other work hits both alike: per round each contender runs ~50 ms, and the speed-up is the
// median of the per-round ratios. 1T by this process's CPU time, 2T by wall time.
// Usage: node scripts/winograd.mjs [name-filter or name,name,...] [rounds]
//        node scripts/winograd.mjs --tiles [name-filter] [rounds]    (tile sizes m, single thread)
//        node scripts/winograd.mjs --blocks [name-filter] [rounds]   (tiles per unit, single thread)
//        node scripts/winograd.mjs --accuracy [name-filter]          (float64 error before rounding)
import { readFileSync } from 'node:fs';
import { convTranspose2d } from '@convt/core';
import { runUnits } from '../dist/compute.js';
import { createBackend } from '../dist/index.js';
import { packWinograd } from '../dist/winograd-pack.js';
import { planWinograd } from '../dist/winograd-plan.js';
import { workloadLayer as layer } from './layer.mjs';

const args = process.argv.slice(2);
const tiles = args[0] === '--tiles';
const blocks = args[0] === '--blocks';
const accuracy = args[0] === '--accuracy';
const [filter = '', roundsArg = '7'] = tiles || blocks || accuracy ? args.slice(1) : args;
const rounds = Number(roundsArg);
// Transformed weights in the element type the backend keeps them in.
const transformedArray = (work) =>
  work.float32Weights ? new Float32Array(work.length) : new Float64Array(work.length);
const { workloads } = JSON.parse(
  readFileSync(new URL('../../../benchmarks/workloads.json', import.meta.url), 'utf8'),
);
// Layers with 3-tap phases, which no shared workload has (fsrcnn's 1 output channel stays direct).
workloads.push(
  { name: 'x3_k6s2', input: [1, 64, 16, 16], outChannels: 64, kernelSize: 6, stride: 2, padding: 2 },
  { name: 'x3_k3s1', input: [1, 64, 32, 32], outChannels: 64, kernelSize: 3, stride: 1, padding: 1 },
  // Few channels per group: where the transforms stop paying.
  ...[
    [16, 16, 4, 2, 1],
    [24, 24, 4, 2, 1],
    [32, 32, 4, 2, 1],
    [48, 48, 4, 2, 1],
    [64, 64, 4, 2, 1],
    [16, 64, 4, 2, 1],
    [64, 16, 4, 2, 1],
    [24, 96, 4, 2, 1],
    [128, 32, 4, 2, 1],
    [8, 8, 3, 1, 1],
    [16, 16, 3, 1, 1],
    [24, 24, 3, 1, 1],
    [8, 64, 3, 1, 1],
    [16, 64, 6, 2, 2],
    [13, 200, 4, 2, 1],
    [9, 200, 3, 1, 1],
    // Phases with different tap counts: k3 s2 p1 op1 (1 and 2 taps), k5 s2 (2 and 3), k5 s3 (1 and 2).
    [16, 16, 3, 2, 1, 1],
    [24, 24, 3, 2, 1, 1],
    [32, 32, 3, 2, 1, 1],
    [48, 48, 3, 2, 1, 1],
    [64, 64, 3, 2, 1, 1],
    [16, 64, 3, 2, 1, 1],
    [64, 16, 3, 2, 1, 1],
    [128, 128, 3, 2, 1, 1],
    [256, 256, 3, 2, 1, 1],
    [16, 16, 5, 2, 2, 1],
    [24, 24, 5, 2, 2, 1],
    [32, 32, 5, 2, 2, 1],
    [24, 24, 5, 3, 1, 0],
    [32, 32, 5, 3, 1, 0],
  ].map(([ci, co, k, s, p, op = 0]) => ({
    name: `few_${ci}x${co}_k${k}${k === 3 && s === 2 ? 's2' : k === 5 ? `s${s}` : ''}`,
    input: [1, ci, 32, 32],
    outChannels: co,
    kernelSize: k,
    stride: s,
    padding: p,
    outputPadding: op,
  })),
);

async function time(fn, calls, cpu) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  if (!cpu) return (performance.now() - t0) / calls;
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / calls;
}

async function warm(fn) {
  let calls = 0;
  const t0 = performance.now();
  while (calls < 5 || performance.now() - t0 < 300) {
    await fn();
    calls++;
  }
  return Math.max(1, Math.round(50 / ((performance.now() - t0) / calls)));
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs the contenders interleaved; returns each one's median GFLOP/s and median ratio to the first. */
async function compare(contenders, flops, cpu) {
  const calls = [];
  for (const c of contenders) calls.push(await warm(c.fn));
  const ms = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) ms[i].push(await time(contenders[i].fn, calls[i], cpu));
  }
  return contenders.map((c, i) => ({
    name: c.name,
    gflops: flops / median(ms[i]) / 1e6,
    ratio: median(ms[0].map((t, r) => t / ms[i][r])),
  }));
}

// A comma-separated list of names, or a substring.
const names = filter.split(',');
const selected = workloads.filter((w) =>
  names.length > 1 ? names.includes(w.name) : w.name.includes(filter),
);
if (accuracy) {
  // The Winograd result in float64 (before rounding to float32) against the float64 reference, in
  // units of u * sum |x * w| (u = 2^-53): the conformance bound allows (products + 1) of them.
  for (const wl of selected) {
    const { x, w, b, options, plan } = layer(wl);
    const f64 = (t, f = (v) => v) => ({ shape: t.shape, data: Float64Array.from(t.data, f) });
    const exact = convTranspose2d(f64(x), f64(w), f64(b), options).data;
    const magnitude = convTranspose2d(f64(x, Math.abs), f64(w, Math.abs), f64(b, Math.abs), options).data;
    for (const m of [2, 4]) {
      // The transforms' own rounding: float64 transformed weights, whatever the layer's size.
      const work = planWinograd(plan, 1, { rows: m, cols: m, float32Weights: false });
      if (!work) break;
      const packed = new Float64Array(work.length);
      packWinograd(work, w.data, packed);
      const out = new Float64Array(exact.length);
      runUnits(work, { x: x.data, packed, finite: true, b: b.data, out }, 0, work.units);
      // Each output's phase pair's taps (rows x columns): the worst error per kind of pair.
      const tapsOf = (axis, size) => {
        const taps = new Int32Array(size);
        for (const phase of axis.phases) {
          for (let j = 0; j < phase.count; j++) taps[phase.first + j * axis.stride] = phase.taps.length;
        }
        return taps;
      };
      const rowTaps = tapsOf({ ...plan.rows, stride: plan.stride[0] }, plan.outHeight);
      const colTaps = tapsOf({ ...plan.cols, stride: plan.stride[1] }, plan.outWidth);
      const worst = new Map();
      let rounded = 0;
      const area = plan.outHeight * plan.outWidth;
      for (let i = 0; i < exact.length; i++) {
        const at = i % area;
        const kind = `${rowTaps[Math.floor(at / plan.outWidth)]}x${colTaps[at % plan.outWidth]}`;
        const e = Math.abs(out[i] - exact[i]) / magnitude[i] / 2 ** -53;
        worst.set(kind, Math.max(worst.get(kind) ?? 0, e));
        if (Math.fround(out[i]) !== Math.fround(exact[i])) rounded++;
      }
      const kinds = [...worst]
        .sort()
        .map(([k, e]) => `${k} ${e.toFixed(1)}`)
        .join(', ');
      console.log(
        `${wl.name} m=${m}: error <= ${Math.max(...worst.values()).toFixed(1)} u·Σ|x·w| (by taps: ${kinds}); float32 outputs that differ: ${rounded} of ${exact.length}`,
      );
    }
  }
} else if (blocks) {
  // Transformed-input scratch per unit (doubles), which sets the tiles per unit.
  for (const wl of selected) {
    const { x, w, b, plan } = layer(wl);
    const contenders = [];
    for (const size of [8192, 16384, 32768, 65536, 131072]) {
      const work = planWinograd(plan, 1, { scratch: size });
      if (!work) break;
      const packed = transformedArray(work);
      packWinograd(work, w.data, packed);
      const out = new Float32Array(plan.batch * plan.outputImageSize);
      const buffers = { x: x.data, packed, finite: true, b: b.data, out };
      contenders.push({
        name: `${size / 1024}K (T=${work.tileBlock})`,
        fn: () => runUnits(work, buffers, 0, work.units),
      });
    }
    if (contenders.length === 0) continue;
    const results = await compare(contenders, plan.flops, true);
    console.log(
      wl.name.padEnd(10),
      results.map((r) => `${r.name} ${r.gflops.toFixed(2)} (×${r.ratio.toFixed(2)})`).join('  '),
    );
  }
} else if (tiles) {
  // Each tile size straight through the unit loop (weights transformed once, outside the timing).
  for (const wl of selected) {
    const { x, w, b, plan } = layer(wl);
    const contenders = [];
    const chosen = planWinograd(plan, 1);
    if (chosen) console.log(wl.name, 'chooses m =', chosen.rows.m, 'x', chosen.cols.m);
    for (const m of [2, 3, 4, 5, 6]) {
      const work = planWinograd(plan, 1, { rows: m, cols: m });
      if (!work) break;
      const packed = transformedArray(work);
      packWinograd(work, w.data, packed);
      const out = new Float32Array(plan.batch * plan.outputImageSize);
      const buffers = { x: x.data, packed, finite: true, b: b.data, out };
      contenders.push({ name: `m=${m}`, fn: () => runUnits(work, buffers, 0, work.units) });
    }
    if (contenders.length === 0) continue;
    const results = await compare(contenders, plan.flops, true);
    console.log(
      wl.name.padEnd(10),
      results.map((r) => `${r.name} ${r.gflops.toFixed(2)} (×${r.ratio.toFixed(2)})`).join('  '),
    );
  }
} else {
  const rows = [];
  const backends = {};
  for (const threads of [1, 2]) {
    for (const winograd of [false, true]) {
      backends[`${threads}${winograd}`] = await createBackend({ threads, winograd });
    }
  }
  for (const wl of selected) {
    const { x, w, b, options, plan } = layer(wl);
    const row = { name: wl.name };
    for (const threads of [1, 2]) {
      const call = (winograd) => () => backends[`${threads}${winograd}`].convTranspose2d(x, w, b, options);
      const [before, after] = await compare(
        [
          { name: 'direct', fn: call(false) },
          { name: 'winograd', fn: call(true) },
        ],
        plan.flops,
        threads === 1,
      );
      Object.assign(row, {
        [`before ${threads}T`]: before.gflops.toFixed(2),
        [`after ${threads}T`]: after.gflops.toFixed(2),
        [`× ${threads}T`]: after.ratio.toFixed(2),
      });
    }
    rows.push(row);
    console.log(row);
  }
  console.table(rows);
  for (const backend of Object.values(backends)) await backend.dispose();
}
