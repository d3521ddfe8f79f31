// Speed check of the built package on the shared workloads, side by side in one run:
// @convt/cpu with 1 and 2 threads, a naive scatter loop and tfjs-backend-cpu (when installed).
// GFLOP/s use the workloads' nominal flops; each figure is the median of the rounds.
// Usage: node scripts/measure.mjs [name-filter] [rounds]

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createBackend } from '../dist/index.js';
import { workloadLayer } from './layer.mjs';

const [filter = '', roundsArg = '7'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const { workloads } = JSON.parse(
  readFileSync(new URL('../../../benchmarks/workloads.json', import.meta.url), 'utf8'),
);

function naive(p, x, w, b) {
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const out = new Float32Array(p.batch * p.outputImageSize);
  for (let n = 0; n < p.batch; n++)
    for (let ci = 0; ci < p.inChannels; ci++) {
      const g = Math.floor(ci / p.inChannelsPerGroup);
      for (let ih = 0; ih < p.inHeight; ih++)
        for (let iw = 0; iw < p.inWidth; iw++) {
          const xv = x[((n * p.inChannels + ci) * p.inHeight + ih) * p.inWidth + iw];
          for (let ocg = 0; ocg < p.outChannelsPerGroup; ocg++) {
            const co = g * p.outChannelsPerGroup + ocg;
            for (let kh = 0; kh < p.kernelHeight; kh++) {
              const oh = ih * sh - ph + kh * dh;
              if (oh < 0 || oh >= p.outHeight) continue;
              for (let kw = 0; kw < p.kernelWidth; kw++) {
                const ow = iw * sw - pw + kw * dw;
                if (ow < 0 || ow >= p.outWidth) continue;
                const wv = w[((ci * p.outChannelsPerGroup + ocg) * p.kernelHeight + kh) * p.kernelWidth + kw];
                out[((n * p.outChannels + co) * p.outHeight + oh) * p.outWidth + ow] += xv * wv;
              }
            }
          }
        }
    }
  const plane = p.outHeight * p.outWidth;
  for (let i = 0; i < out.length; i++) out[i] += b[Math.floor(i / plane) % p.outChannels];
  return out;
}

async function loadTfjs() {
  try {
    const require = createRequire(new URL('../../../benchmarks/package.json', import.meta.url));
    const tf = await import(require.resolve('@tensorflow/tfjs-core'));
    await import(require.resolve('@tensorflow/tfjs-backend-cpu'));
    await tf.setBackend('cpu');
    return tf;
  } catch {
    return null;
  }
}

function tfjsCall(tf, p, x, w, b) {
  if (p.groups !== 1 || p.dilation[0] !== 1 || p.dilation[1] !== 1) return null;
  const [N, C, H, W] = p.inputShape;
  const nhwc = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H * W; i++) nhwc[(n * H * W + i) * C + c] = x[(n * C + c) * H * W + i];
  const [ci, co, kh, kw] = p.weightShape;
  const f = new Float32Array(w.length);
  for (let i = 0; i < ci; i++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < kh; y++)
        for (let z = 0; z < kw; z++)
          f[((y * kw + z) * co + o) * ci + i] = w[((i * co + o) * kh + y) * kw + z];
  const xt = tf.tensor4d(nhwc, [N, H, W, C]);
  const ft = tf.tensor4d(f, [kh, kw, co, ci]);
  const bt = tf.tensor1d(b);
  const shape = [N, p.outHeight, p.outWidth, p.outChannels];
  return () => {
    const y = tf.tidy(() => tf.add(tf.conv2dTranspose(xt, ft, shape, p.stride, p.padding[0]), bt));
    const data = y.dataSync();
    y.dispose();
    return data;
  };
}

// Wall time and this process's CPU time (all threads) per call, in ms, over `calls` calls. On a
// loaded machine CPU time is the steadier yardstick for single-threaded contenders; wall time is
// what threads improve.
async function time(fn, calls) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  const wall = (performance.now() - t0) / calls;
  const cpu = process.cpuUsage(c0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 / calls };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Warms a contender up until the JIT has settled (at least 5 calls and 300 ms), and returns how
// many calls one round makes so that it lasts about 50 ms.
async function warm(fn) {
  let calls = 0;
  const t0 = performance.now();
  while (calls < 5 || performance.now() - t0 < 300) {
    await fn();
    calls++;
  }
  return Math.max(1, Math.round(50 / ((performance.now() - t0) / calls)));
}

const tf = await loadTfjs();
const one = await createBackend({ threads: 1 });
const two = await createBackend({ threads: 2 });
const rows = [];
for (const wl of workloads.filter((w) => w.name.includes(filter))) {
  const { x, w, b, options, plan } = workloadLayer(wl);
  const contenders = {
    cpu1: () => one.convTranspose2d(x, w, b, options),
    cpu2: () => two.convTranspose2d(x, w, b, options),
    naive: () => naive(plan, x.data, w.data, b.data),
  };
  const tfRun = tf && tfjsCall(tf, plan, x.data, w.data, b.data);
  if (tfRun) contenders.tfjs = tfRun;
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const calls = {};
  for (const [k, fn] of Object.entries(contenders)) calls[k] = await warm(fn);
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(contenders)) times[k].push(await time(fn, calls[k]));
  }
  const gflops = (k, clock) =>
    times[k] ? plan.flops / median(times[k].map((t) => t[clock])) / 1e6 : Number.NaN;
  const row = { name: wl.name, mflop: plan.flops / 1e6 };
  for (const k of ['cpu1', 'cpu2', 'naive', 'tfjs']) row[k] = gflops(k, 'wall');
  for (const k of ['cpu1', 'naive', 'tfjs']) row[`${k}_cpu`] = gflops(k, 'cpu');
  row['1T/naive'] = row.cpu1_cpu / row.naive_cpu;
  row['1T/tfjs'] = row.cpu1_cpu / row.tfjs_cpu;
  row['2T/1T'] = row.cpu2 / row.cpu1;
  rows.push(row);
  console.log(
    Object.entries(row)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(2) : v}`)
      .join('  '),
  );
}
await one.dispose();
await two.dispose();
