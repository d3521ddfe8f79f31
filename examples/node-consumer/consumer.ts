// A TypeScript program as a user writes it against the published packages.
import { createBackend as createAuto } from '@convt/auto';
import { type Backend, ConvTranspose2d, convTranspose2d, type Tensor, tensor } from '@convt/core';
import { createBackend as createCpu } from '@convt/cpu';
import { createBackend as createGpujs } from '@convt/gpujs';
import { createBackend as createWasm } from '@convt/wasm';

function maxDifference(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

const layer = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1, seed: 1 });
const input = tensor(
  Array.from({ length: 2 * 8 * 5 * 5 }, (_, i) => Math.sin(i)),
  [2, 8, 5, 5],
);
const expected = convTranspose2d(input, layer.weight, layer.bias, layer.options);

const backends: Array<[string, () => Promise<Backend>]> = [
  ['auto', () => createAuto()],
  ['cpu', () => createCpu({ threads: 2 })],
  ['wasm', () => createWasm({ threads: 2 })],
  ['gpujs', () => createGpujs({ mode: 'cpu' })],
];
for (const [name, create] of backends) {
  const backend = await create();
  layer.backend = backend;
  const out = await layer.forward(input);
  const error = maxDifference(out, expected);
  if (out.shape.join() !== '2,4,10,10' || !(error < 1e-4))
    throw new Error(`${name}: wrong result (max error ${error})`);
  console.log(
    `ts  ${name.padEnd(5)} -> ${backend.name}: shape [${out.shape}], max error ${error.toExponential(2)}`,
  );
  await backend.dispose?.();
}
