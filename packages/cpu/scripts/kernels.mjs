// Single-thread kernel speed on the shared workloads, by this process's CPU time (steady on a
// loaded machine). Usage: node scripts/kernels.mjs [name-filter] [rounds]
import { readFileSync } from 'node:fs';
import { createBackend } from '../dist/index.js';
import { workloadLayer } from './layer.mjs';

const [filter = '', roundsArg = '7'] = process.argv.slice(2);
const { workloads } = JSON.parse(
  readFileSync(new URL('../../../benchmarks/workloads.json', import.meta.url), 'utf8'),
);
const backend = await createBackend({ threads: 1 });
const results = [];
for (const wl of workloads.filter((w) => w.name.includes(filter))) {
  const { x, w, b, options, plan } = workloadLayer(wl);
  const flops = plan.flops;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < Number(roundsArg); r++) {
    const c0 = process.cpuUsage();
    await backend.convTranspose2d(x, w, b, options);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  results.push(`${wl.name}=${(flops / best / 1e6).toFixed(2)}`);
}
console.log(results.join('  '));
