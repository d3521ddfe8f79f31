// One workload, single-threaded, repeated: for `node --cpu-prof scripts/profile.mjs <name> [reps]`.
// Prints the best call's GFLOP/s (nominal flops).
import { Random, tensor } from '@convt/core';
import { createBackend } from '../dist/index.js';

const [name = 'dcgan1', reps = '30'] = process.argv.slice(2);
const wls = JSON.parse(
  (await import('node:fs')).readFileSync('/work/main/benchmarks/workloads.json', 'utf8'),
).workloads;
const wl = wls.find((w) => w.name === name);
const rng = new Random(1);
const groups = wl.groups ?? 1;
const options = {
  stride: wl.stride ?? 1,
  padding: wl.padding ?? 0,
  outputPadding: wl.outputPadding ?? 0,
  dilation: wl.dilation ?? 1,
  groups,
};
const rand = (shape) => {
  const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  rng.fill(t.data, -1, 1);
  return t;
};
const x = rand(wl.input),
  w = rand([wl.input[1], wl.outChannels / groups, wl.kernelSize, wl.kernelSize]),
  b = rand([wl.outChannels]);
const be = await createBackend({ threads: 1 });
const flops = ((2 * wl.input.reduce((a, b) => a * b) * wl.outChannels) / groups) * wl.kernelSize ** 2;
let best = 1e9;
for (let i = 0; i < +reps; i++) {
  const t0 = performance.now();
  await be.convTranspose2d(x, w, b, options);
  best = Math.min(best, performance.now() - t0);
}
console.log(name, (flops / best / 1e6).toFixed(2), 'GFLOP/s best', best.toFixed(2), 'ms');
