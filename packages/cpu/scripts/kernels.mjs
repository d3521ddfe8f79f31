// Single-thread kernel speed on the shared workloads, by this process's CPU time (steady on a
// loaded machine). Usage: node scripts/kernels.mjs [name-filter] [rounds]
import { readFileSync } from 'node:fs';
import { Random, tensor } from '@convt/core';
import { createBackend } from '../dist/index.js';

const [filter = '', roundsArg = '7'] = process.argv.slice(2);
const { workloads } = JSON.parse(
  readFileSync(new URL('../../../benchmarks/workloads.json', import.meta.url), 'utf8'),
);
const backend = await createBackend({ threads: 1 });
const results = [];
for (const wl of workloads.filter((w) => w.name.includes(filter))) {
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
  const x = rand(wl.input);
  const w = rand([wl.input[1], wl.outChannels / groups, wl.kernelSize, wl.kernelSize]);
  const b = rand([wl.outChannels]);
  const flops =
    2 *
    wl.input[0] *
    wl.input[1] *
    wl.input[2] *
    wl.input[3] *
    (wl.outChannels / groups) *
    wl.kernelSize ** 2;
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
