import type { AxisPhase, ConvTranspose2dPlan } from '@convt/core';
import { edgeTwoRows, pairRow1, pairRow2, pairTwoRows, phaseRow } from './depthwise-rows.js';
import { type Buffers, directWeights } from './kernel.js';
import type { Work } from './work.js';

/**
 * Depthwise layers (1 input and 1 output channel per group) have 1 product per tap and output, so
 * the general path's tiles, band copy and tables cost more than the arithmetic. This path reads the
 * input tensor in place and, per output row, sums only the taps that read inside the input: interior
 * columns by a row kernel, the few border columns one by one with bounds tests. No product of a
 * weight with a padding zero is formed, so infinite and NaN weights need no special mode. Each
 * output's sum runs over row taps, then column taps, in plan order from +0, as in the reference.
 */
export function isDepthwise(plan: ConvTranspose2dPlan): boolean {
  return plan.inChannelsPerGroup === 1 && plan.outChannelsPerGroup === 1;
}

/** Per-thread scratch: one row's product table and, per row phase, the paired kernels' weights. */
const scratch = {
  xo: new Int32Array(64),
  wt: new Float64Array(64),
  pairW: new Float64Array(64),
};

/** Computes unit `u` of a depthwise `work` (image, group, band of output rows; see `Work`). */
export function runDepthwiseUnit(work: Work, { x, packed: weights, b, out }: Buffers, u: number): void {
  const packed = directWeights(weights);
  const p = work.plan;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = p;
  const { groups } = p;
  const { tableSize, starts } = work.layout;
  const rest = Math.floor(u / work.chunks); // depthwise groups have 1 chunk
  const band = rest % work.bands;
  const image = (rest - band) / work.bands;
  const g = image % groups;
  const n = (image - g) / groups;
  const sh = p.stride[0];
  const sw = p.stride[1];
  const rowPhases = p.rows.phases;
  const colPhases = p.cols.phases;
  const ohBegin = band * work.bandRows;
  const ohEnd = Math.min(OH, ohBegin + work.bandRows);
  const xPlane = (n * p.inChannels + g) * H * W;
  const oPlane = (n * p.outChannels + g) * OH * OW;
  const wBase = g * tableSize;
  const bias = b === null ? 0 : b[g]!;

  if (scratch.xo.length < KH * KW) {
    scratch.xo = new Int32Array(KH * KW);
    scratch.wt = new Float64Array(KH * KW);
  }
  const { xo, wt } = scratch;
  const pair = windowPair(colPhases);
  let pairW = scratch.pairW;
  if (pair) {
    if (pairW.length < 8 * rowPhases.length) pairW = scratch.pairW = new Float64Array(8 * rowPhases.length);
    for (let rp = 0; rp < rowPhases.length; rp++) {
      const nrt = rowPhases[rp]!.taps.length;
      const eA = wBase + starts[rp * 2 + pair.a]!;
      const eB = wBase + starts[rp * 2 + pair.b]!;
      for (let i = 0; i < 2 * Math.min(2, nrt); i++) {
        pairW[8 * rp + i] = packed[eA + i]!;
        pairW[8 * rp + 4 + i] = packed[eB + i]!;
      }
    }
  }

  // Per column phase, the columns at which every tap reads inside the input: [lo, hi).
  const lo = colPhases.map((phase) => Math.min(interiorLo(phase), phase.count));
  const hi = colPhases.map((phase, cp) => Math.max(lo[cp]!, interiorHi(phase)));
  // The columns the paired kernels compute in both phases.
  const pLo = pair ? Math.max(lo[pair.a]!, lo[pair.b]!) : 0;
  const pHi = pair ? Math.max(pLo, Math.min(hi[pair.a]!, hi[pair.b]!)) : 0;

  // The row phases paired like the column phases: a row of phase `b` and the next row, of phase
  // `a`, read the same 2 input rows, so one pass computes both.
  const rowPair = pair && pHi > pLo ? windowPair(rowPhases) : null;
  // Per row phase, the rows `jr` at which every row tap reads inside the input: [rowLo, rowHi).
  const rowLo = rowPhases.map((phase) => interiorLo(phase));
  const rowHi = rowPhases.map((phase) => interiorHi(phase));

  for (let oh = ohBegin; oh < ohEnd; oh++) {
    const rp = oh % sh;
    const rowPhase = rowPhases[rp]!;
    const jr = (oh - rowPhase.first) / sh;
    const oRow = oPlane + oh * OW;
    const rowTaps = rowPhase.taps;
    if (rowPair && pair && rp === rowPair.b && oh + 1 < ohEnd) {
      const next = rowPhases[(oh + 1) % sh]!;
      const jrNext = (oh + 1 - next.first) / sh;
      const v = rowTaps[0]!.inputStart + jr;
      const rpNext = rowPair.a;
      if (
        next === rowPhases[rpNext] &&
        next.taps[0]!.inputStart + jrNext === v &&
        jr >= rowLo[rp]! &&
        jr < rowHi[rp]! &&
        jrNext >= rowLo[rpNext]! &&
        jrNext < rowHi[rpNext]!
      ) {
        const A = colPhases[pair.a]!;
        const B = colPhases[pair.b]!;
        const vRow = xPlane + v * W;
        const rv = vRow + A.taps[0]!.inputStart - 1;
        pairTwoRows(
          x,
          rv - W,
          rv,
          pairW,
          8 * rp,
          8 * rpNext,
          out,
          oRow + A.first,
          oRow + B.first,
          OW,
          pLo,
          pHi,
          bias,
        );
        // The few columns left, where a column tap may read outside the input.
        for (let cp = 0; cp < 2; cp++) {
          const phase = colPhases[cp]!;
          const c0 = phase.taps[0]!.inputStart;
          const w1 = 8 * rp + 4 * (cp === pair.a ? 0 : 1);
          const w2 = w1 + 8 * (rpNext - rp);
          const o = oRow + phase.first;
          edgeTwoRows(x, vRow - W, vRow, W, c0, pairW, w1, w2, out, o, OW, pLo, pHi, phase.count, bias);
        }
        oh++;
        continue;
      }
    }
    // The row taps that read inside the input at this row: how many, the first and the second.
    let valid = 0;
    let first = -1;
    let second = -1;
    for (let ri = 0; ri < rowTaps.length; ri++) {
      const t = rowTaps[ri]!;
      if (jr < t.jBegin || jr >= t.jEnd) continue;
      if (valid === 0) first = ri;
      else if (valid === 1) second = ri;
      valid++;
    }
    if (pair && valid >= 1 && rowTaps.length <= 2 && pHi > pLo) {
      const A = colPhases[pair.a]!;
      const B = colPhases[pair.b]!;
      const s = A.taps[0]!.inputStart;
      const r0 = xPlane + (rowTaps[first]!.inputStart + jr) * W + s - 1;
      const wi = 8 * rp + 2 * first;
      if (valid === 2) {
        const r1 = xPlane + (rowTaps[second]!.inputStart + jr) * W + s - 1;
        pairRow2(x, r0, r1, pairW, wi, out, oRow + A.first, oRow + B.first, pLo, pHi, bias);
      } else {
        pairRow1(x, r0, pairW, wi, out, oRow + A.first, oRow + B.first, pLo, pHi, bias);
      }
      // The few columns left: each output on its own, with bounds tests.
      for (let cp = 0; cp < 2; cp++) {
        const colPhase = colPhases[cp]!;
        const entry = wBase + starts[rp * 2 + cp]!;
        const o = oRow + colPhase.first;
        for (let j = 0; j < pLo; j++)
          out[o + 2 * j] = column(x, packed, entry, rowTaps, colPhase, xPlane, W, jr, j) + bias;
        for (let j = pHi; j < colPhase.count; j++) {
          out[o + 2 * j] = column(x, packed, entry, rowTaps, colPhase, xPlane, W, jr, j) + bias;
        }
      }
      continue;
    }
    for (let cp = 0; cp < colPhases.length; cp++) {
      const colPhase = colPhases[cp]!;
      const colTaps = colPhase.taps;
      const entry = wBase + starts[rp * colPhases.length + cp]!;
      // This row's products in sum order: offsets relative to column j = 0 and weights.
      let k = 0;
      for (let ri = 0; ri < rowTaps.length; ri++) {
        const t = rowTaps[ri]!;
        if (jr < t.jBegin || jr >= t.jEnd) continue;
        const xRow = xPlane + (t.inputStart + jr) * W;
        for (let ci = 0; ci < colTaps.length; ci++) {
          xo[k] = xRow + colTaps[ci]!.inputStart;
          wt[k] = packed[entry + ri * colTaps.length + ci]!;
          k++;
        }
      }
      const o = oRow + colPhase.first;
      edgeColumns(x, xo, wt, k, colTaps, out, o, sw, 0, lo[cp]!, bias);
      phaseRow(x, xo, wt, k, out, o, sw, lo[cp]!, hi[cp]!, bias);
      edgeColumns(x, xo, wt, k, colTaps, out, o, sw, hi[cp]!, colPhase.count, bias);
    }
  }
}

/**
 * The sum of output column `j` of `colPhase` in input row phase `rowTaps` at row `jr`, over the
 * taps that read inside the input; `entry` is the pair's first packed weight.
 */
function column(
  x: Buffers['x'],
  packed: Float64Array,
  entry: number,
  rowTaps: AxisPhase['taps'],
  colPhase: AxisPhase,
  xPlane: number,
  W: number,
  jr: number,
  j: number,
): number {
  const colTaps = colPhase.taps;
  let a = 0;
  for (let ri = 0; ri < rowTaps.length; ri++) {
    const rt = rowTaps[ri]!;
    if (jr < rt.jBegin || jr >= rt.jEnd) continue;
    const xRow = xPlane + (rt.inputStart + jr) * W;
    for (let ci = 0; ci < colTaps.length; ci++) {
      const ct = colTaps[ci]!;
      if (j >= ct.jBegin && j < ct.jEnd)
        a += x[xRow + ct.inputStart + j]! * packed[entry + ri * colTaps.length + ci]!;
    }
  }
  return a;
}

/**
 * Columns `[j0, j1)` of a phase where some column taps read outside the input: each product is
 * taken only when its tap's column is inside. Products are listed row tap by row tap, each with
 * every column tap, as `phaseRow`'s table.
 */
function edgeColumns(
  x: Buffers['x'],
  xo: Int32Array,
  wt: Float64Array,
  n: number,
  colTaps: AxisPhase['taps'],
  out: Buffers['out'],
  o: number,
  oStep: number,
  j0: number,
  j1: number,
  bias: number,
): void {
  const nct = colTaps.length;
  for (let j = j0; j < j1; j++) {
    let a = 0;
    for (let k = 0; k < n; k++) {
      const t = colTaps[k % nct]!;
      if (j >= t.jBegin && j < t.jEnd) a += x[xo[k]! + j]! * wt[k]!;
    }
    out[o + j * oStep] = a + bias;
  }
}

/** First column `j` of a phase at which every column tap reads inside the input. */
function interiorLo(phase: AxisPhase): number {
  let lo = 0;
  for (const t of phase.taps) lo = Math.max(lo, t.jBegin);
  return lo;
}

/** End of the columns at which every column tap reads inside the input. */
function interiorHi(phase: AxisPhase): number {
  let hi = phase.count;
  for (const t of phase.taps) hi = Math.min(hi, t.jEnd);
  return hi;
}

/**
 * The column phases `a` and `b` when the paired row kernels apply: 2 column phases of 2 taps each,
 * `a` reading columns `(j + s, j + s - 1)` and `b` reading `(j + s + 1, j + s)`.
 */
function windowPair(phases: readonly AxisPhase[]): { a: number; b: number } | null {
  if (phases.length !== 2) return null;
  const [p, q] = phases as [AxisPhase, AxisPhase];
  if (p.taps.length !== 2 || q.taps.length !== 2) return null;
  if (p.taps[1]!.inputStart !== p.taps[0]!.inputStart - 1) return null;
  if (q.taps[1]!.inputStart !== q.taps[0]!.inputStart - 1) return null;
  if (q.taps[0]!.inputStart === p.taps[0]!.inputStart + 1) return { a: 0, b: 1 };
  if (p.taps[0]!.inputStart === q.taps[0]!.inputStart + 1) return { a: 1, b: 0 };
  return null;
}
