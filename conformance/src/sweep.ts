import { type ConvParams, nameOf, type Pair2 } from './cases.js';
import { coveringArray, type Factor } from './covering.js';

/**
 * The swept values. Geometry is swept per axis, independently: a bug that only shows when the
 * rows and the columns differ (asymmetric padding with dilation, say) needs different values on each.
 * Padding and output padding are levels relative to the axis' other values, so every level is legal.
 */
const AXIS_FACTORS = {
  stride: ['1', '2', '3', '4'],
  dilation: ['1', '2', '3'],
  kernel: ['1', '2', '3', '4', '5'],
  // 0, 1, half the kernel's reach d(k-1), all of it, and beyond it (crops into the input's own taps).
  padding: ['0', '1', 'half', 'reach', 'beyond'],
  // 0, stride - 1, and dilation - 1 where that exceeds stride - 1 (legal only because of dilation).
  outputPadding: ['0', 'stride', 'dilation'],
  // Input size before it is raised to the least size that gives a non-empty output.
  input: ['1', '3', '5'],
} as const;

const GLOBAL_FACTORS = {
  groups: ['1', '2', '3', '4', 'depthwise'],
  inPerGroup: ['1', '2'],
  outPerGroup: ['1', '2', '3'],
  batch: ['1', '2', '3', 'none'],
  bias: ['on', 'off'],
  size: ['outputPadding', 'outputSize'],
} as const;

type AxisName = keyof typeof AXIS_FACTORS;
type GlobalName = keyof typeof GLOBAL_FACTORS;

const FACTORS: Factor[] = [
  ...Object.entries(AXIS_FACTORS).flatMap(([name, values]) => [
    { name: `${name}H`, values },
    { name: `${name}W`, values },
  ]),
  ...Object.entries(GLOBAL_FACTORS).map(([name, values]) => ({ name, values })),
];
const INDEX = new Map(FACTORS.map((f, i) => [f.name, i]));
const at = (name: string): number => INDEX.get(name)!;
const axisIndex = (name: AxisName, axis: 0 | 1) => at(`${name}${axis === 0 ? 'H' : 'W'}`);

/** Value of a factor in a (possibly partial) row, or undefined while unassigned. */
function levelOf(row: readonly number[], index: number): string | undefined {
  const v = row[index]!;
  return v < 0 ? undefined : FACTORS[index]!.values[v];
}

/** Rules that keep every level meaningful; each accepts a partial row that can still be completed. */
function allowed(row: readonly number[]): boolean {
  const size = levelOf(row, at('size'));
  for (const axis of [0, 1] as const) {
    const op = levelOf(row, axisIndex('outputPadding', axis));
    const s = levelOf(row, axisIndex('stride', axis));
    const d = levelOf(row, axisIndex('dilation', axis));
    if (op === 'stride' && s === '1') return false;
    if (op === 'dilation') {
      // Needs dilation > stride; outputSize can only reach stride - 1 past its minimum.
      if (size === 'outputSize') return false;
      if (s !== undefined && d !== undefined && Number(d) <= Number(s)) return false;
      if (s !== undefined && Number(s) >= 3) return false;
      if (d === '1') return false;
    }
  }
  if (levelOf(row, at('groups')) === 'depthwise' && levelOf(row, at('inPerGroup')) === '2') return false;
  return true;
}

const DEPTHWISE_CHANNELS = 6;

/** Turns one row of levels into concrete parameters. */
function paramsOf(row: readonly number[]): ConvParams {
  const get = (name: GlobalName) => levelOf(row, at(name))!;
  const axis = (i: 0 | 1) => {
    const v = (name: AxisName) => levelOf(row, axisIndex(name, i))!;
    const s = Number(v('stride'));
    const d = Number(v('dilation'));
    const k = Number(v('kernel'));
    const reach = d * (k - 1);
    const p = { '0': 0, '1': 1, half: Math.floor(reach / 2), reach, beyond: reach + 1 }[v('padding')]!;
    const op = { '0': 0, stride: s - 1, dilation: d - 1 }[v('outputPadding')]!;
    return { s, d, k, p, op, x: Math.max(Number(v('input')), leastInput(s, d, k, p, op)) };
  };
  const [h, w] = [axis(0), axis(1)];
  const depthwise = get('groups') === 'depthwise';
  const groups = depthwise ? DEPTHWISE_CHANNELS : Number(get('groups'));
  const inPerGroup = depthwise ? 1 : Number(get('inPerGroup'));
  const batch = get('batch') === 'none' ? null : Number(get('batch'));
  const pair = (a: number, b: number): Pair2 => [a, b];
  return {
    batch,
    inChannels: groups * inPerGroup,
    outChannels: groups * Number(get('outPerGroup')),
    groups,
    inputSize: pair(h.x, w.x),
    kernelSize: pair(h.k, w.k),
    stride: pair(h.s, w.s),
    padding: pair(h.p, w.p),
    outputPadding: pair(h.op, w.op),
    dilation: pair(h.d, w.d),
    bias: get('bias') === 'on',
    ...(get('size') === 'outputSize' ? { outputSize: h.op > 0 || w.op > 0 ? 'max' : 'min' } : {}),
    ...(depthwise ? { depthwise } : {}),
  } as ConvParams;
}

/** The least input size whose output is at least 1 along an axis. */
function leastInput(s: number, d: number, k: number, p: number, op: number): number {
  return Math.max(1, 1 + Math.ceil((2 * p - d * (k - 1) - op) / s));
}

function pairsOf(count: number): number[][] {
  const sets: number[][] = [];
  for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) sets.push([i, j]);
  return sets;
}

function triplesOf(indices: readonly number[]): number[][] {
  const sets: number[][] = [];
  for (let a = 0; a < indices.length; a++) {
    for (let b = a + 1; b < indices.length; b++) {
      for (let c = b + 1; c < indices.length; c++) sets.push([indices[a]!, indices[b]!, indices[c]!]);
    }
  }
  return sets;
}

/**
 * Every pair of values of any two factors appears in some case. Unless `quick`, also, per axis: every
 * combination of stride, dilation, kernel and padding level; every triple of the axis' geometry (with
 * output padding and input size); every pair of it with each group layout. The index arithmetic of
 * a kernel goes wrong in these interactions.
 */
export function sweepParams(quick: boolean): ConvParams[] {
  const interactions = pairsOf(FACTORS.length);
  if (!quick) {
    for (const axis of [0, 1] as const) {
      const geometry = Object.keys(AXIS_FACTORS).map((n) => axisIndex(n as AxisName, axis));
      interactions.push(geometry.slice(0, 4));
      interactions.push(...triplesOf(geometry));
      for (const pair of pairsOf(geometry.length))
        interactions.push([...pair.map((g) => geometry[g]!), at('groups')]);
    }
  }
  const rows = coveringArray({ factors: FACTORS, interactions, allowed, seed: 20261125 });
  return unique(rows.map(paramsOf));
}

/** Hand-picked corners that a covering design may meet only by chance. */
export function cornerParams(): ConvParams[] {
  const base: ConvParams = {
    batch: 1,
    inChannels: 2,
    outChannels: 3,
    groups: 1,
    inputSize: [4, 4],
    kernelSize: [3, 3],
    stride: [1, 1],
    padding: [0, 0],
    outputPadding: [0, 0],
    dilation: [1, 1],
    bias: true,
  };
  const corner = (over: Partial<ConvParams>): ConvParams => ({ ...base, ...over });
  return unique([
    corner({ inputSize: [1, 1], stride: [2, 2] }), // 1x1 input
    corner({ inputSize: [1, 1], kernelSize: [1, 1] }), // 1x1 input and kernel: one product per output
    corner({ kernelSize: [1, 1], stride: [2, 3] }), // 1x1 kernel with gaps
    corner({ kernelSize: [2, 2], stride: [4, 4], inputSize: [3, 3] }), // stride > kernel: gaps
    corner({ inputSize: [3, 3], padding: [2, 2] }), // padding crops all but one output
    corner({ inputSize: [7, 5], dilation: [3, 2], padding: [6, 4], bias: false }), // crops to 1x1
    corner({ inChannels: 4, outChannels: 4, groups: 4 }), // one channel per group on both sides
    corner({ inChannels: 3, outChannels: 6, groups: 3, depthwise: true }), // depthwise, multiplier 2
    corner({ inChannels: 4, outChannels: 2, groups: 2 }), // one output channel per group
    corner({ dilation: [3, 3], outputPadding: [2, 2], kernelSize: [2, 2] }), // op legal by dilation only
    corner({ stride: [3, 2], padding: [1, 1], outputPadding: [2, 1], outputSize: 'max' }),
    corner({ stride: [3, 2], padding: [1, 1], outputSize: 'min' }),
    corner({
      batch: 2,
      inChannels: 4,
      outChannels: 4,
      groups: 2,
      inputSize: [4, 3],
      kernelSize: [3, 2],
      stride: [2, 1],
      padding: [1, 0],
      outputPadding: [1, 0],
      dilation: [2, 1],
    }),
    corner({ dilation: [2, 3], padding: [0, 3], inputSize: [3, 5] }), // dilation with asymmetric padding
    corner({ dilation: [3, 1], padding: [4, 0], stride: [1, 2] }),
    corner({ batch: null, stride: [2, 2], padding: [1, 1], outputPadding: [1, 1] }), // unbatched
    corner({
      batch: 3,
      inChannels: 8,
      outChannels: 4,
      inputSize: [8, 8],
      kernelSize: [4, 4],
      stride: [2, 2],
      padding: [1, 1],
    }),
    corner({
      inChannels: 3,
      outChannels: 1,
      inputSize: [5, 5],
      kernelSize: [9, 9],
      stride: [3, 3],
      padding: [4, 4],
      outputPadding: [2, 2],
    }),
    // Enough channels for the paths backends take only on wide layers (Winograd tiles, wide GEMM
    // blocks): a DCGAN-style k4 s2 p1 layer and a k3 s1 p1 one, with channel counts that are not
    // whole vectors or blocks.
    corner({
      batch: 2,
      inChannels: 72,
      outChannels: 66,
      inputSize: [8, 7],
      kernelSize: [4, 4],
      stride: [2, 2],
      padding: [1, 1],
    }),
    corner({ inChannels: 40, outChannels: 36, inputSize: [9, 11], padding: [1, 1], bias: false }),
  ]);
}

function unique(params: ConvParams[]): ConvParams[] {
  const seen = new Map<string, ConvParams>();
  for (const p of params) if (!seen.has(nameOf(p))) seen.set(nameOf(p), p);
  return [...seen.values()];
}
