// Compile (first call) against steady state, per gpu.js mode, on the benchmark workloads.
// Usage (after a build): node scripts/with-display.mjs node scripts/phases.mjs [mode ...] [--only name,name]
import { readFileSync } from 'node:fs';
import { Random, tensor } from '@convt/core';
import { createBackend } from '../dist/index.js';

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv.splice(onlyAt, 2)[1].split(',') : null;
const modes = argv.length ? argv : ['headlessgl', 'webasm'];
const { workloads } = JSON.parse(
  readFileSync(new URL('../../../benchmarks/workloads.json', import.meta.url), 'utf8'),
);

function random(shape, seed) {
  const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  new Random(seed).fill(t.data, -1, 1);
  return t;
}

for (const mode of modes) {
  const started = performance.now();
  const backend = await createBackend({ mode });
  console.log(
    `${mode} (${backend.capabilities.kernelClass}): started in ${(performance.now() - started).toFixed(0)} ms`,
  );
  for (const w of workloads.filter((x) => !only || only.includes(x.name))) {
    const [n, cin, h, wd] = w.input;
    const k = w.kernelSize;
    const groups = w.groups ?? 1;
    const x = random([n, cin, h, wd], 1);
    const weight = random([cin, w.outChannels / groups, k, k], 2);
    const options = {
      stride: w.stride,
      padding: w.padding ?? 0,
      outputPadding: w.outputPadding ?? 0,
      dilation: w.dilation ?? 1,
      groups,
    };
    const time = async () => {
      const t0 = performance.now();
      await backend.convTranspose2d(x, weight, null, options);
      return performance.now() - t0;
    };
    const first = await time();
    const compiled = backend.lastCall.compiledKernels;
    const steady = [];
    for (let i = 0; i < 5; i++) steady.push(await time());
    steady.sort((a, b) => a - b);
    const median = steady[2];
    const flops = 2 * n * cin * h * wd * (w.outChannels / groups) * k * k;
    console.log(
      `  ${w.name.padEnd(13)} first ${first.toFixed(1).padStart(8)} ms (${compiled} compiled)` +
        `  steady median ${median.toFixed(1).padStart(8)} ms  ${(flops / median / 1e6).toFixed(2)} GFLOP/s` +
        `  tiles ${backend.lastCall.tiles}  recompiled ${backend.lastCall.compiledKernels}`,
    );
  }
  await backend.dispose();
}
