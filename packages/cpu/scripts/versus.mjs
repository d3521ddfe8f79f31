// This build against another build of the package (a directory holding its compiled `index.js`, e.g.
// an earlier commit's `src` compiled elsewhere inside this package) and tfjs-backend-cpu, on the shared
// workloads: single thread, interleaved in one process in turns of ~100 ms, by this process's CPU
// time. Prints each contender's median GFLOP/s (nominal flops) and the medians of the per-round
// ratios, so that load from other work hits all alike.
// Usage: node scripts/versus.mjs <other-build-dir> [name,name,...] [rounds] [backend options as JSON]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackend as createNew } from '../dist/index.js';
import { workloadLayer } from './layer.mjs';

const [otherDir, filter = 'unet_up,seg_up,dcgan1,dcgan4', roundsArg = '7', opt = '{}'] =
  process.argv.slice(2);
const { createBackend: createOld } = await import(pathToFileURL(resolve(otherDir, 'index.js')).href);
const { workloads } = JSON.parse(
  readFileSync(new URL('../../../benchmarks/workloads.json', import.meta.url), 'utf8'),
);
const o = JSON.parse(opt);
const require = createRequire(new URL('../../../benchmarks/package.json', import.meta.url));
const tf = await import(require.resolve('@tensorflow/tfjs-core'));
await import(require.resolve('@tensorflow/tfjs-backend-cpu'));
await tf.setBackend('cpu');
function tfjsCall(wl, x, w, b) {
  const [N, C, H, W] = wl.input;
  const co = wl.outChannels,
    k = wl.kernelSize;
  const nhwc = new Float32Array(x.data.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H * W; i++) nhwc[(n * H * W + i) * C + c] = x.data[(n * C + c) * H * W + i];
  const f = new Float32Array(w.data.length);
  for (let i = 0; i < C; i++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < k; y++)
        for (let z = 0; z < k; z++)
          f[((y * k + z) * co + o) * C + i] = w.data[((i * co + o) * k + y) * k + z];
  const s = wl.stride ?? 1,
    p = wl.padding ?? 0,
    op = wl.outputPadding ?? 0;
  const OH = (H - 1) * s - 2 * p + k + op,
    OW = (W - 1) * s - 2 * p + k + op;
  const xt = tf.tensor4d(nhwc, [N, H, W, C]),
    ft = tf.tensor4d(f, [k, k, co, C]),
    bt = tf.tensor1d(b.data);
  return async () => {
    const y = tf.tidy(() => tf.add(tf.conv2dTranspose(xt, ft, [N, OH, OW, co], s, p), bt));
    y.dataSync();
    y.dispose();
  };
}
const be = { old: await createOld({ threads: 1, ...o }), new: await createNew({ threads: 1, ...o }) };
for (const wl of workloads.filter((w) => filter.split(',').includes(w.name))) {
  const { x, w, b, options, plan } = workloadLayer(wl);
  const flops = plan.flops;
  const res = { old: [], new: [], tfjs: [] };
  const fns = {
    old: () => be.old.convTranspose2d(x, w, b, options),
    new: () => be.new.convTranspose2d(x, w, b, options),
  };
  if ((wl.groups ?? 1) === 1 && (wl.dilation ?? 1) === 1) fns.tfjs = tfjsCall(wl, x, w, b);
  else delete res.tfjs;
  for (const k in fns) for (let i = 0; i < 3; i++) await fns[k]();
  for (let r = 0; r < +roundsArg; r++)
    for (const k in fns) {
      const c0 = process.cpuUsage();
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 100) {
        await fns[k]();
        n++;
      }
      const c = process.cpuUsage(c0);
      res[k].push((flops * n) / ((c.user + c.system) * 1e3));
    }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const ratios = res.new.map((v, i) => v / res.old[i]);
  const vsTf = (k) => (res.tfjs ? med(res[k].map((v, i) => v / res.tfjs[i])).toFixed(2) : '-');
  console.log(
    wl.name,
    'other',
    med(res.old).toFixed(2),
    'new',
    med(res.new).toFixed(2),
    'x',
    med(ratios).toFixed(3),
    'tfjs',
    res.tfjs ? med(res.tfjs).toFixed(2) : '-',
    'old/tfjs',
    vsTf('old'),
    'new/tfjs',
    vsTf('new'),
  );
}
