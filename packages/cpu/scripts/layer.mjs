// One shared workload's layer for the measurement scripts: seeded float32 input, weight and bias in
// U(-1, 1), its options and its plan (whose `flops` is the nominal work the GFLOP/s figures count).
import { Random, resolveConvTranspose2d, tensor } from '@convt/core';

export function workloadLayer(wl, seed = 1) {
  const rng = new Random(seed);
  const groups = wl.groups ?? 1;
  const rand = (shape) => {
    const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
    rng.fill(t.data, -1, 1);
    return t;
  };
  const x = rand(wl.input);
  const w = rand([wl.input[1], wl.outChannels / groups, wl.kernelSize, wl.kernelSize]);
  const b = rand([wl.outChannels]);
  const options = {
    stride: wl.stride ?? 1,
    padding: wl.padding ?? 0,
    outputPadding: wl.outputPadding ?? 0,
    dilation: wl.dilation ?? 1,
    groups,
  };
  return { x, w, b, options, plan: resolveConvTranspose2d(x.shape, w.shape, b.shape, options) };
}
