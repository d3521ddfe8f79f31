import { readFileSync } from 'node:fs';
import {
  type ConvTranspose2dOptions,
  type ConvTranspose2dPlan,
  initScale,
  Random,
  resolveConvTranspose2d,
  type Tensor,
} from '@convt/core';

type Pair = number | [number, number];

/** One entry of `workloads.json`. */
export interface Workload {
  readonly name: string;
  readonly input: readonly number[];
  readonly outChannels: number;
  readonly kernelSize: Pair;
  readonly stride?: Pair;
  readonly padding?: Pair;
  readonly outputPadding?: Pair;
  readonly dilation?: Pair;
  readonly groups?: number;
}

/** A workload made concrete: seeded float32 tensors and the resolved plan. */
export interface Case {
  readonly workload: Workload;
  readonly input: Tensor;
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly options: ConvTranspose2dOptions;
  readonly plan: ConvTranspose2dPlan;
}

export function loadWorkloads(path: string): Workload[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { workloads: Workload[] };
  return parsed.workloads;
}

const pair = (p: Pair | undefined, fallback: number): [number, number] =>
  p === undefined ? [fallback, fallback] : typeof p === 'number' ? [p, p] : [p[0], p[1]];

export function workloadOptions(w: Workload): ConvTranspose2dOptions {
  return {
    stride: pair(w.stride, 1),
    padding: pair(w.padding, 0),
    outputPadding: pair(w.outputPadding, 0),
    dilation: pair(w.dilation, 1),
    groups: w.groups ?? 1,
  };
}

export function weightShape(w: Workload): number[] {
  const [kH, kW] = pair(w.kernelSize, 1);
  return [w.input[1]!, w.outChannels / (w.groups ?? 1), kH, kW];
}

/** `2 * N * Cin * H * W * (Cout / groups) * kH * kW`, the formula stated in workloads.json. */
export function workloadFlops(w: Workload): number {
  const [n, cin, h, wd] = w.input as [number, number, number, number];
  const [, coutG, kH, kW] = weightShape(w) as [number, number, number, number];
  return 2 * n * cin * h * wd * coutG * kH * kW;
}

/** Seeded tensors, initialised like the module (weights and bias from U(-sqrt(k), sqrt(k)), input U(-1, 1)). */
export function makeCase(w: Workload, seed = 1): Case {
  const options = workloadOptions(w);
  const wShape = weightShape(w);
  const plan = resolveConvTranspose2d(w.input, wShape, [w.outChannels], options);
  const random = new Random(seed);
  const fill = (shape: readonly number[], bound: number): Tensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    random.fill(data, -bound, bound);
    return { shape: [...shape], data };
  };
  const scale = Math.sqrt(initScale(w.outChannels, [wShape[2]!, wShape[3]!], plan.groups));
  return {
    workload: w,
    input: fill(w.input, 1),
    weight: fill(wShape, scale),
    bias: fill([w.outChannels], scale),
    options,
    plan,
  };
}
