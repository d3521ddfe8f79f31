import { createBackend } from '../dist/index.js';
import { workloadLayer } from './layer.mjs';

const [name = 'dcgan1', reps = '30'] = process.argv.slice(2);
const wls = JSON.parse(
  (await import('node:fs')).readFileSync('/work/main/benchmarks/workloads.json', 'utf8'),
).workloads;
const wl = wls.find((w) => w.name === name);
const { x, w, b, options, plan } = workloadLayer(wl);
const be = await createBackend({ threads: 1 });
const flops = plan.flops;
let best = 1e9;
for (let i = 0; i < +reps; i++) {
  const t0 = performance.now();
  await be.convTranspose2d(x, w, b, options);
  best = Math.min(best, performance.now() - t0);
}
console.log(name, (flops / best / 1e6).toFixed(2), 'GFLOP/s best', best.toFixed(2), 'ms');
