import { createBackend as createAuto } from '@convt/auto';
import { type Backend, ConvTranspose2d, convTranspose2d, tensor } from '@convt/core';
import { createBackend as createCpu } from '@convt/cpu';
import { createBackend as createGpujs } from '@convt/gpujs';
import { createBackend as createWasm } from '@convt/wasm';

interface RunResult {
  run: string;
  backend: string;
  details: string;
  maxError: number;
  ms: number;
  ok: boolean;
  error?: string;
}

declare global {
  interface Window {
    convtResults?: RunResult[];
    convtDone?: boolean;
  }
}

const threads = Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2));
const runs: Array<[string, () => Promise<Backend>]> = [
  ['cpu 1 thread', () => createCpu({ threads: 1 })],
  [`cpu ${threads} threads`, () => createCpu({ threads })],
  ['wasm 1 thread', () => createWasm({ threads: 1 })],
  [`wasm ${threads} threads`, () => createWasm({ threads })],
  ['wasm simd128', () => createWasm({ threads: 1, relaxedSimd: false })],
  ['gpujs webgl2', () => createGpujs({ mode: 'webgl2' })],
  ['gpujs webgpu', () => createGpujs({ mode: 'webgpu' })],
  ['auto', () => createAuto()],
];

const layer = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1, seed: 7 });
const input = tensor(
  Array.from({ length: 2 * 16 * 12 * 12 }, (_, i) => Math.sin(i * 0.37)),
  [2, 16, 12, 12],
);
const expected = convTranspose2d(input, layer.weight, layer.bias, layer.options);

function row(r: RunResult): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const cells = [
    r.run,
    r.backend,
    r.error ?? r.details,
    r.maxError.toExponential(2),
    r.ms.toFixed(1),
    r.ok ? 'match' : 'FAIL',
  ];
  cells.forEach((text, i) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (i === 5) td.className = r.ok ? 'ok' : 'fail';
    tr.append(td);
  });
  return tr;
}

async function runOne(name: string, create: () => Promise<Backend>): Promise<RunResult> {
  try {
    const backend = await create();
    layer.backend = backend;
    const start = performance.now();
    const out = await layer.forward(input);
    const ms = performance.now() - start;
    let maxError = 0;
    for (let i = 0; i < out.data.length; i++)
      maxError = Math.max(maxError, Math.abs(out.data[i]! - expected.data[i]!));
    const caps = backend.capabilities;
    const choice = (backend as { choice?: { summary: string } }).choice;
    const details =
      choice?.summary ??
      `threads ${caps.threads}${caps.mode ? `, mode ${String(caps.mode)}` : ''}${caps.relaxedSimd ? ', relaxed SIMD' : ''}`;
    await backend.dispose?.();
    const ok = out.shape.join() === expected.shape.join() && maxError < 1e-4;
    return { run: name, backend: backend.name, details, maxError, ms, ok };
  } catch (error) {
    return {
      run: name,
      backend: '-',
      details: '',
      maxError: Number.NaN,
      ms: 0,
      ok: false,
      error: String(error),
    };
  }
}

async function main(): Promise<void> {
  document.getElementById('isolation')!.textContent =
    `crossOriginIsolated: ${globalThis.crossOriginIsolated === true}, SharedArrayBuffer: ${typeof SharedArrayBuffer !== 'undefined'}, cores: ${navigator.hardwareConcurrency}`;
  const results: RunResult[] = [];
  const body = document.getElementById('results')!;
  for (const [name, create] of runs) {
    const result = await runOne(name, create);
    results.push(result);
    body.append(row(result));
  }
  const failed = results.filter((r) => !r.ok).length;
  document.getElementById('status')!.textContent =
    failed === 0 ? 'all backends match the reference' : `${failed} failed`;
  window.convtResults = results;
  window.convtDone = true;
}

void main();
