import { referenceBackend } from '@convt/core';
import { backendRunner, convtRunner } from './convt.js';
import { naiveRunner } from './naive.js';
import { ortNodeRunner, ortWebRunner } from './ort.js';
import { tfjsRunner } from './tfjs.js';
import type { RunnerSpec } from './types.js';

/** gpu.js's cpu mode interprets the kernel in JS: far too slow above this. */
const GPUJS_CPU_MAX_FLOPS = 1e7;
/** The float64 reference is an oracle, timed only on small workloads for context. */
const REFERENCE_MAX_FLOPS = 4e7;

async function gpujs(mode: string) {
  if (mode === 'headlessgl' && !process.env.DISPLAY) {
    throw new Error('headlessgl needs an X display (install xvfb, or run under xvfb-run -a)');
  }
  return convtRunner('@convt/gpujs', { mode });
}

/** Every backend and peer, in the order of the tables and the chart's legend. */
export const RUNNERS: readonly RunnerSpec[] = [
  {
    id: 'cpu-1t',
    label: 'convt cpu 1T',
    kind: 'js',
    peer: false,
    create: () => convtRunner('@convt/cpu', { threads: 1 }),
  },
  {
    id: 'cpu-2t',
    label: 'convt cpu 2T',
    kind: 'js',
    peer: false,
    create: () => convtRunner('@convt/cpu', { threads: 2 }),
  },
  {
    id: 'wasm-1t',
    label: 'convt wasm 1T',
    kind: 'wasm',
    peer: false,
    create: () => convtRunner('@convt/wasm', { threads: 1 }),
  },
  {
    id: 'wasm-2t',
    label: 'convt wasm 2T',
    kind: 'wasm',
    peer: false,
    create: () => convtRunner('@convt/wasm', { threads: 2 }),
  },
  // The 128-bit SIMD kernels, for runtimes without relaxed SIMD (Node 20 without its flag, browsers that have not shipped it).
  {
    id: 'wasm-1t-simd128',
    label: 'convt wasm 1T simd128',
    kind: 'wasm',
    peer: false,
    create: () => convtRunner('@convt/wasm', { threads: 1, relaxedSimd: false }),
  },
  {
    id: 'wasm-2t-simd128',
    label: 'convt wasm 2T simd128',
    kind: 'wasm',
    peer: false,
    create: () => convtRunner('@convt/wasm', { threads: 2, relaxedSimd: false }),
  },
  {
    id: 'gpujs-headlessgl',
    label: 'convt gpujs headlessgl',
    kind: 'gpu',
    peer: false,
    needsDisplay: true,
    create: () => gpujs('headlessgl'),
  },
  {
    id: 'gpujs-webasm',
    label: 'convt gpujs webasm',
    kind: 'wasm',
    peer: false,
    create: () => gpujs('webasm'),
  },
  {
    id: 'gpujs-cpu',
    label: 'convt gpujs cpu',
    kind: 'js',
    peer: false,
    maxFlops: GPUJS_CPU_MAX_FLOPS,
    create: () => gpujs('cpu'),
  },
  {
    id: 'reference',
    label: 'convt reference (f64)',
    kind: 'js',
    peer: false,
    maxFlops: REFERENCE_MAX_FLOPS,
    create: async () => backendRunner(referenceBackend),
  },
  {
    id: 'ort-node-1t',
    label: 'onnxruntime-node 1T',
    kind: 'native',
    peer: true,
    create: () => ortNodeRunner(1),
  },
  {
    id: 'ort-node-2t',
    label: 'onnxruntime-node 2T',
    kind: 'native',
    peer: true,
    create: () => ortNodeRunner(2),
  },
  { id: 'ort-web-1t', label: 'onnxruntime-web 1T', kind: 'wasm', peer: true, create: () => ortWebRunner(1) },
  { id: 'ort-web-2t', label: 'onnxruntime-web 2T', kind: 'wasm', peer: true, create: () => ortWebRunner(2) },
  { id: 'tfjs-wasm', label: 'tfjs-wasm', kind: 'wasm', peer: true, create: () => tfjsRunner('wasm') },
  { id: 'tfjs-cpu', label: 'tfjs-cpu', kind: 'js', peer: true, create: () => tfjsRunner('cpu') },
  { id: 'naive', label: 'naive JS scatter', kind: 'js', peer: true, create: naiveRunner },
];

/** `cpu` selects cpu-1t and cpu-2t; `ort-node-1t` selects itself. */
export function selectRunners(filters: readonly string[] | undefined): RunnerSpec[] {
  if (!filters?.length) return [...RUNNERS];
  const unknown = filters.filter((f) => !RUNNERS.some((r) => matches(r.id, f)));
  if (unknown.length) {
    throw new Error(`unknown backend ${unknown.join(', ')}; known: ${RUNNERS.map((r) => r.id).join(', ')}`);
  }
  return RUNNERS.filter((r) => filters.some((f) => matches(r.id, f)));
}

const matches = (id: string, filter: string): boolean => id === filter || id.startsWith(`${filter}-`);
