// A plain ESM program against the published packages: no TypeScript, no bundler.
import { createBackend as createAuto } from '@convt/auto';
import { ConvTranspose2d, convTranspose2d, tensor } from '@convt/core';
import { createBackend as createCpu } from '@convt/cpu';
import { createBackend as createGpujs } from '@convt/gpujs';
import { createBackend as createWasm } from '@convt/wasm';

const layer = new ConvTranspose2d(6, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 3, seed: 2 });
const input = tensor(
  Array.from({ length: 6 * 4 * 4 }, (_, i) => Math.cos(i)),
  [6, 4, 4],
);
const expected = convTranspose2d(input, layer.weight, layer.bias, layer.options);

for (const [name, create] of [
  ['auto', () => createAuto()],
  ['cpu', () => createCpu({ threads: 1 })],
  ['wasm', () => createWasm({ threads: 1 })],
  ['gpujs', () => createGpujs({ mode: 'cpu' })],
]) {
  const backend = await create();
  layer.backend = backend;
  const out = await layer.forward(input);
  let error = 0;
  for (let i = 0; i < out.data.length; i++) error = Math.max(error, Math.abs(out.data[i] - expected.data[i]));
  if (out.shape.join() !== '6,8,8' || !(error < 1e-4))
    throw new Error(`${name}: wrong result (max error ${error})`);
  console.log(
    `esm ${name.padEnd(5)} -> ${backend.name}: shape [${out.shape}], max error ${error.toExponential(2)}`,
  );
  await backend.dispose?.();
}
