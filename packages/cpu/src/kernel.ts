import type { AxisPhase } from '@convt/core';
import {
  type Data,
  row1x8,
  row1x8taps2,
  row1x8taps3,
  row2x4,
  row3x4,
  row4x1,
  row4x4,
  rowNx1,
} from './blocks.js';
import { CO_BLOCK, type Work } from './work.js';

/** Packed weights one pass prepares, as float64s (1 MiB): several channel blocks when they fit. */
const PACKED_DOUBLES = 128 * 1024;

/** Unused table entries after each table (see `runUnit`). */
const TABLE_GAP = 9;

/** The tensors of one call, as flat arrays (plain or shared memory). */
export interface Buffers {
  readonly x: Data;
  readonly w: Data;
  readonly b: Data | null;
  readonly out: Data;
}

/**
 * Per-thread scratch, grown on demand and reused by every unit this thread runs: the input band,
 * reduction tables and packed weights. All are bounded by one band of input and `PACKED_DOUBLES`
 * of weights (or one channel block), never by the output or an im2col matrix.
 */
const scratch = {
  band: new Float64Array(1024),
  xo: new Int32Array(256),
  wo: new Int32Array(256),
  packed: new Float64Array(1024),
  starts: new Int32Array(16),
  /** Per kernel tap: its first table entry (input channel 0) or -1 when no phase uses it... */
  tapEntry: new Int32Array(16),
  /** ...and the entries between consecutive input channels in its table. */
  tapStride: new Int32Array(16),
};

/** The geometry of one unit's workspace. */
interface Band {
  rowLo: number;
  rows: number;
  Wp: number;
  colLo: number;
}

/**
 * Computes unit `u` of `work` (see `Work`): every output of its image, group, band of rows and
 * chunk of output channels.
 *
 * The input rows the band reads are copied as float64, with zeros around (rows and columns outside the
 * input), into a workspace, so every output of a phase reads all the phase's taps: a (row phase,
 * column phase) pair has one reduction table for the whole band and tiles run edge to edge. No tile
 * visits a tap that lands between input pixels. Channel blocks are the outer loop: a block's weights
 * are packed once per unit, in table order, and stay in cache across the band's rows. A block with
 * an infinite or NaN weight (where `0 * w` is NaN, not 0) runs in exact mode: edge outputs get
 * tables of only the taps inside the input.
 */
export function runUnit(work: Work, { x, w, b, out }: Buffers, u: number): void {
  const p = work.plan;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = p;
  const { groups, inChannelsPerGroup: cin, outChannelsPerGroup: coutG } = p;
  const taps = KH * KW;
  const chunk = u % work.chunks;
  let rest = (u - chunk) / work.chunks;
  const band = rest % work.bands;
  rest = (rest - band) / work.bands;
  const g = rest % groups;
  const n = (rest - g) / groups;
  const cBegin = chunk * work.chunkChannels;
  const cEnd = Math.min(coutG, cBegin + work.chunkChannels);
  const sh = p.stride[0];
  const ohBegin = band * work.bandRows;
  const ohEnd = Math.min(OH, ohBegin + work.bandRows);
  const rowPhases = p.rows.phases;
  const colPhases = p.cols.phases;

  // The input rows the band's taps reach, inside the input or not (those become zero rows).
  let rowLo = Number.POSITIVE_INFINITY;
  let rowHi = Number.NEGATIVE_INFINITY;
  for (let oh = ohBegin; oh < Math.min(ohEnd, ohBegin + sh); oh++) {
    const phase = rowPhases[oh % sh]!;
    const jrFirst = (oh - phase.first) / sh;
    const jrLast = jrFirst + Math.floor((ohEnd - 1 - oh) / sh);
    for (const t of phase.taps) {
      rowLo = Math.min(rowLo, t.inputStart + jrFirst);
      rowHi = Math.max(rowHi, t.inputStart + jrLast + 1);
    }
  }
  const geometry: Band = { rowLo, rows: Math.max(0, rowHi - rowLo), Wp: work.paddedWidth, colLo: work.colLo };
  const { rows, Wp } = geometry;
  if (scratch.band.length < cin * rows * Wp) scratch.band = new Float64Array(cin * rows * Wp);
  const ws = scratch.band;
  copyBand(x, ws, (n * p.inChannels + g * cin) * H * W, H, W, cin, rowLo, rows, Wp, -work.colLo);

  // Tables: one per (row phase, column phase) pair, then room for exact mode's per-row tables.
  const pairs = rowPhases.length * colPhases.length;
  // A gap after each table keeps the pair tables (and the packed weights that follow them) off
  // power-of-two strides, where their streams would share a cache set.
  const tableSize = cin * taps + TABLE_GAP * (pairs + 1);
  if (scratch.xo.length < 2 * tableSize) {
    scratch.xo = new Int32Array(2 * tableSize);
    scratch.wo = new Int32Array(2 * tableSize);
  }
  // Channels packed in one pass: several blocks, so that weights are read in long contiguous runs.
  const packChannels = CO_BLOCK * Math.max(1, Math.floor(PACKED_DOUBLES / (CO_BLOCK * tableSize)));
  if (scratch.packed.length < packChannels * tableSize) {
    scratch.packed = new Float64Array(packChannels * tableSize);
  }
  if (scratch.starts.length < pairs + 1) scratch.starts = new Int32Array(pairs + 1);
  if (scratch.tapEntry.length < taps) {
    scratch.tapEntry = new Int32Array(taps);
    scratch.tapStride = new Int32Array(taps);
  }
  const { xo, starts, packed } = scratch;
  const wStep = coutG * taps;
  let tablesEnd = 0;
  for (let rp = 0; rp < rowPhases.length; rp++) {
    for (let cp = 0; cp < colPhases.length; cp++) {
      starts[rp * colPhases.length + cp] = tablesEnd;
      tablesEnd = fillTable(rowPhases[rp]!, colPhases[cp]!, -1, -1, cin, geometry, wStep, KW, tablesEnd);
      tablesEnd += TABLE_GAP;
    }
  }
  starts[pairs] = tablesEnd;
  mapTaps(rowPhases, colPhases, KW, taps);
  const exactStart = tablesEnd;
  // Column phases whose taps read consecutive columns, for the 1-channel window tiles.
  const windowed = colPhases.map((phase) => windowTaps(phase));

  const wGroup = g * cin * coutG * taps;
  const oImage = n * p.outChannels * OH * OW;
  const oCo = OH * OW;
  const oStep = p.stride[1];

  for (let c0 = cBegin; c0 < cEnd; c0 += packChannels) {
    const cStop = Math.min(cEnd, c0 + packChannels);
    const finite = packWeights(w, wGroup + c0 * taps, wStep, cin, taps, cStop - c0, tableSize);
    for (let c = c0; c < cStop; ) {
      const nco = Math.min(CO_BLOCK, cStop - c);
      const co = g * coutG + c;
      const wc = wGroup + c * taps;
      // Block regions are `CO_BLOCK * tableSize` apart; exact mode repacks its rows into its own.
      const base = (c - c0) * tableSize;
      const exact = !finite && !allFinite(packed, base, base + nco * tablesEnd);
      for (let oh = ohBegin; oh < ohEnd; oh++) {
        const rp = oh % sh;
        const rowPhase = rowPhases[rp]!;
        const jr = (oh - rowPhase.first) / sh;
        for (let cp = 0; cp < colPhases.length; cp++) {
          const colPhase = colPhases[cp]!;
          const count = colPhase.count;
          const oRow = oImage + co * oCo + oh * OW + colPhase.first;
          let k0: number;
          let k1: number;
          let ps: number;
          let xs: number;
          let lo = 0;
          let hi = count;
          if (exact) {
            for (const t of colPhase.taps) {
              lo = Math.max(lo, t.jBegin);
              hi = Math.min(hi, t.jEnd);
            }
            if (hi < lo) hi = lo;
            k0 = exactStart;
            k1 = fillTable(rowPhase, colPhase, jr, -1, cin, geometry, wStep, KW, k0);
            ps = base;
            pack(w, wc, taps, nco, k0, k1, ps);
            xs = lo;
          } else {
            const pair = rp * colPhases.length + cp;
            k0 = starts[pair]!;
            k1 = starts[pair + 1]! - TABLE_GAP;
            ps = base + k0 * nco;
            xs = jr * Wp;
          }
          const span = hi - lo;
          const o = oRow + lo * oStep;
          if (nco === 1) {
            const wide = span >> 3;
            const window = exact ? 0 : windowed[cp]!;
            if (window === 2) row1x8taps2(ws, packed, out, b, co, xo, k0, k1, ps, xs, o, oStep, wide);
            else if (window === 3) row1x8taps3(ws, packed, out, b, co, xo, k0, k1, ps, xs, o, oStep, wide);
            else row1x8(ws, packed, out, b, co, xo, k0, k1, ps, xs, o, oStep, wide);
            const done = 8 * wide;
            rowNx1(
              ws,
              packed,
              out,
              b,
              co,
              1,
              xo,
              k0,
              k1,
              ps,
              xs + done,
              o + done * oStep,
              oCo,
              oStep,
              span & 7,
            );
          } else {
            const wide = span >> 2;
            if (nco === 4) row4x4(ws, packed, out, b, co, xo, k0, k1, ps, xs, o, oCo, oStep, wide);
            else if (nco === 3) row3x4(ws, packed, out, b, co, xo, k0, k1, ps, xs, o, oCo, oStep, wide);
            else row2x4(ws, packed, out, b, co, xo, k0, k1, ps, xs, o, oCo, oStep, wide);
            const done = 4 * wide;
            const xr = xs + done;
            const or = o + done * oStep;
            if (nco === 4) row4x1(ws, packed, out, b, co, xo, k0, k1, ps, xr, or, oCo, oStep, span & 3);
            else rowNx1(ws, packed, out, b, co, nco, xo, k0, k1, ps, xr, or, oCo, oStep, span & 3);
          }
          if (exact) {
            // Each edge column gets a table of only the taps that read inside the input.
            for (let e = 0; e < count; e++) {
              if (e === lo && lo < hi) e = hi;
              if (e === count) break;
              const kE = fillTable(rowPhase, colPhase, jr, e, cin, geometry, wStep, KW, k0);
              pack(w, wc, taps, nco, k0, kE, base);
              const oE = oRow + e * oStep;
              rowNx1(ws, packed, out, b, co, nco, xo, k0, kE, base, e, oE, oCo, oStep, 1);
            }
          }
        }
      }
      c += nco;
    }
  }
}

/**
 * Copies input rows `[rowLo, rowLo + rows)` of `channels` channels into `Wp`-wide float64 rows, the
 * input's columns starting at `left`; rows outside the input and the columns around stay zeros.
 */
function copyBand(
  x: Data,
  ws: Float64Array,
  xBase: number,
  H: number,
  W: number,
  channels: number,
  rowLo: number,
  rows: number,
  Wp: number,
  left: number,
): void {
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < rows; r++) {
      const dst = (c * rows + r) * Wp;
      const row = rowLo + r;
      if (row < 0 || row >= H) {
        ws.fill(0, dst, dst + Wp);
        continue;
      }
      const src = xBase + (c * H + row) * W;
      ws.fill(0, dst, dst + left);
      for (let i = 0; i < W; i++) ws[dst + left + i] = x[src + i]!;
      ws.fill(0, dst + left + W, dst + Wp);
    }
  }
}

/**
 * Writes, from entry `k`, the reduction table of `rowPhase` × `colPhase` in sum order (input channel,
 * row tap, column tap) and returns the entry after its last. `xo` holds workspace offsets relative to
 * the tile's first column, `wo` weight offsets relative to the block's first output channel.
 * With `jr < 0` the table serves every row of the phase (the caller adds `jr * Wp`); with `jr >= 0` it
 * is for that row only and leaves out row taps outside the input; with `edge >= 0` it is for that one
 * column (the caller adds it) and leaves out column taps outside the input too.
 */
function fillTable(
  rowPhase: AxisPhase,
  colPhase: AxisPhase,
  jr: number,
  edge: number,
  cin: number,
  { rowLo, rows, Wp, colLo }: Band,
  wStep: number,
  KW: number,
  k: number,
): number {
  const { xo, wo } = scratch;
  const exact = jr >= 0;
  for (let c = 0; c < cin; c++) {
    for (const rt of rowPhase.taps) {
      if (exact && (jr < rt.jBegin || jr >= rt.jEnd)) continue;
      const xRow = (c * rows + rt.inputStart + (exact ? jr : 0) - rowLo) * Wp - colLo;
      const wRow = c * wStep + rt.k * KW;
      for (const ct of colPhase.taps) {
        if (edge >= 0 && (edge < ct.jBegin || edge >= ct.jEnd)) continue;
        xo[k] = xRow + ct.inputStart;
        wo[k] = wRow + ct.k;
        k++;
      }
    }
  }
  return k;
}

/** Packs, from `packed[dst]`, the weights of table entries `[k0, k1)` for `nco` output channels. */
function pack(w: Data, wc: number, taps: number, nco: number, k0: number, k1: number, dst: number): void {
  const { wo, packed } = scratch;
  let q = dst;
  for (let k = k0; k < k1; k++) {
    const wi = wc + wo[k]!;
    for (let i = 0; i < nco; i++) packed[q++] = w[wi + i * taps]!;
  }
}

/**
 * Fills `tapEntry`/`tapStride`: where each kernel tap's weight goes in the tables of `starts`, so
 * that `packWeights` can read the weights in memory order.
 */
function mapTaps(
  rowPhases: readonly AxisPhase[],
  colPhases: readonly AxisPhase[],
  KW: number,
  taps: number,
): void {
  const { tapEntry, tapStride, starts } = scratch;
  tapEntry.fill(-1, 0, taps);
  for (let rp = 0; rp < rowPhases.length; rp++) {
    const rowTaps = rowPhases[rp]!.taps;
    for (let cp = 0; cp < colPhases.length; cp++) {
      const colTaps = colPhases[cp]!.taps;
      const first = starts[rp * colPhases.length + cp]!;
      for (let ri = 0; ri < rowTaps.length; ri++) {
        for (let ci = 0; ci < colTaps.length; ci++) {
          const t = rowTaps[ri]!.k * KW + colTaps[ci]!.k;
          tapEntry[t] = first + ri * colTaps.length + ci;
          tapStride[t] = rowTaps.length * colTaps.length;
        }
      }
    }
  }
}

/**
 * Packs the weights of `channels` output channels (from `w[wc]`) for every pair's table, block by
 * block (`CO_BLOCK` channels each, `CO_BLOCK * region` entries apart), reading them in memory order:
 * each input channel's weights for these output channels are one contiguous run. Returns false when
 * one of them is infinite or NaN.
 */
function packWeights(
  w: Data,
  wc: number,
  wStep: number,
  cin: number,
  taps: number,
  channels: number,
  region: number,
): boolean {
  const { tapEntry, tapStride, packed } = scratch;
  let check = 0; // 0 * v is 0 for every finite v and NaN otherwise
  for (let c = 0; c < cin; c++) {
    const src = wc + c * wStep;
    for (let i = 0; i < channels; i++) {
      const lane = i % CO_BLOCK;
      const nco = Math.min(CO_BLOCK, channels - i + lane);
      const base = (i - lane) * region + lane;
      const s = src + i * taps;
      for (let t = 0; t < taps; t++) {
        const entry = tapEntry[t]!;
        if (entry < 0) continue;
        const v = w[s + t]!;
        packed[base + (entry + c * tapStride[t]!) * nco] = v;
        check += v * 0;
      }
    }
  }
  return check === 0;
}

/** Whether `packed[begin, end)` holds only finite numbers. */
function allFinite(packed: Float64Array, begin: number, end: number): boolean {
  let check = 0;
  for (let i = begin; i < end; i++) check += packed[i]! * 0;
  return check === 0;
}

/** 2 or 3 when the phase's taps read consecutive, decreasing columns (window tiles apply), else 0. */
function windowTaps(phase: AxisPhase): number {
  const n = phase.taps.length;
  if (n !== 2 && n !== 3) return 0;
  for (let t = 1; t < n; t++) {
    if (phase.taps[t]!.inputStart !== phase.taps[0]!.inputStart - t) return 0;
  }
  return n;
}
