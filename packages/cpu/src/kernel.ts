import type { AxisPhase } from '@convt/core';
import {
  type Data,
  row1x2x2taps3,
  row1x8,
  row1x8taps2,
  row1x8taps3,
  row2x4,
  row3x4,
  row4x1,
  row4x4,
  row4x4x2,
  rowNx1,
} from './blocks.js';
import { allFinite } from './finite.js';
import { CO_BLOCK, type Layout, TABLE_GAP } from './layout.js';
import { markSameTables, PANEL_ENTRIES, panelsIndexable, runPanels } from './panel.js';
import type { Work } from './work.js';

/** Table entries from which two-row tiles pay: 4 channels' weights then fill 16 KiB or more. */
const TWIN_ENTRIES = 512;

/** Full 4-channel blocks a unit needs for panels to pay (each panel is filled once for all of them). */
const PANEL_BLOCKS = 2;

/** The tensors of one call, as flat arrays (plain or shared memory). */
export interface Buffers {
  readonly x: Data;
  /**
   * The layer's weights packed as `work.layout` says (float64), or transformed for the Winograd path
   * (float32 when `WinogradWork.float32Weights`).
   */
  readonly packed: Float64Array | Float32Array;
  /** Whether every packed weight is finite (else blocks with a non-finite one run in exact mode). */
  readonly finite: boolean;
  readonly b: Data | null;
  readonly out: Data;
}

/**
 * Per-thread scratch, grown on demand and reused by every unit this thread runs: the input band,
 * reduction tables and exact mode's packed rows. All are bounded by one band of input and one
 * channel block's tables, never by the output or an im2col matrix.
 */
const scratch = {
  band: new Float64Array(1024),
  xo: new Int32Array(256),
  /** Exact mode: the entry of the phase pair's table each row table entry takes its weights from. */
  src: new Int32Array(256),
  exact: new Float64Array(1024),
  /** Which layer and band shape the pair tables in `xo` were filled for. */
  tables: '',
};

/** The geometry of one unit's workspace. */
interface Band {
  rowLo: number;
  rows: number;
  Wp: number;
  colLo: number;
}

/** The direct paths' packed weights, which are always float64. */
export function directWeights(packed: Float64Array | Float32Array): Float64Array {
  if (packed instanceof Float64Array) return packed;
  throw new Error('@convt/cpu: the direct path was given float32 packed weights');
}

/**
 * Computes unit `u` of `work` (see `Work`): every output of its image, group, band of rows and
 * chunk of output channels.
 *
 * The input rows the band reads are copied as float64, with zeros around (rows and columns outside the
 * input), into a workspace, so every output of a phase reads all the phase's taps: a (row phase,
 * column phase) pair has one reduction table for the whole band and tiles run edge to edge. No tile
 * visits a tap that lands between input pixels. Channel blocks are the outer loop, so a block's
 * packed weights (shared by every unit, read only) stay in cache across the band's rows. A block
 * with an infinite or NaN weight (where `0 * w` is NaN, not 0) runs in exact mode: edge outputs get
 * tables of only the taps inside the input, their weights copied from the block's.
 */
export function runUnit(work: Work, { x, packed: weights, finite, b, out }: Buffers, u: number): void {
  const packed = directWeights(weights);
  const p = work.plan;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = p;
  const { groups, inChannelsPerGroup: cin, outChannelsPerGroup: coutG } = p;
  const { tableSize, starts } = work.layout;
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
  // `0 - colLo`, not `-colLo`: negating 0 gives -0, a double, and every index the copy derived from it
  // would be a double too.
  copyBand(x, ws, (n * p.inChannels + g * cin) * H * W, H, W, cin, rowLo, rows, Wp, 0 - work.colLo);

  // Input offsets of the pair tables, at the layout's entries; exact mode's row tables follow.
  const exactStart = starts[starts.length - 1]!;
  if (scratch.xo.length < exactStart + cin * KH * KW) {
    scratch.xo = new Int32Array(exactStart + cin * KH * KW);
    scratch.src = new Int32Array(exactStart + cin * KH * KW);
    scratch.tables = '';
  }
  const { xo } = scratch;
  // The pair tables do not depend on the band's first row, so bands of the same height (and calls
  // of the same layer) reuse them: filling them took 5% of fsrcnn's time.
  const tables = `${work.layout.key}|${rows}|${Wp}|${work.colLo}`;
  if (scratch.tables !== tables) {
    for (let rp = 0; rp < rowPhases.length; rp++) {
      for (let cp = 0; cp < colPhases.length; cp++) {
        const pair = rp * colPhases.length + cp;
        fillTable(rowPhases[rp]!, colPhases[cp]!, -1, -1, cin, geometry, starts[pair]!, starts[pair]!);
      }
    }
    markSameTables(xo, starts);
    scratch.tables = tables;
  }
  const longest = longestTable(work.layout);
  // Column phases whose taps read consecutive columns, for the 1-channel window tiles.
  const windowed = colPhases.map((phase) => windowTaps(phase));
  // 1-channel blocks take two rows per tile when every phase has 3 row and 3 column taps reading
  // consecutive rows and columns: the rows share 2 of their 3 input rows.
  const windowRows =
    windowed.every((taps) => taps === 3) && rowPhases.every((phase) => windowTaps(phase) === 3);

  const oImage = n * p.outChannels * OH * OW;
  const oCo = OH * OW;
  const oStep = p.stride[1];

  // Full 4-channel blocks take panels (see `panel.ts`) when there are enough of them to share each
  // panel and no block needs exact mode; two-row tiles keep the long tables.
  let c = cBegin;
  const fullBlocks = Math.floor((cEnd - cBegin) / CO_BLOCK);
  if (finite && blocksTakePanels(work, fullBlocks, longest)) {
    runPanels(
      work,
      ws,
      xo,
      packed,
      b,
      out,
      g * coutG + cBegin,
      fullBlocks,
      ohBegin,
      ohEnd,
      rowLo,
      Wp,
      oImage,
    );
    c += fullBlocks * CO_BLOCK;
  }
  for (; c < cEnd; ) {
    const nco = Math.min(CO_BLOCK, cEnd - c);
    const co = g * coutG + c;
    const base = co * tableSize;
    const exact = !finite && !allFinite(packed, base, base + nco * exactStart);
    if (exact && scratch.exact.length < nco * cin * KH * KW) {
      scratch.exact = new Float64Array(nco * cin * KH * KW);
    }
    // Two rows of a row phase per tile, `oh` and its twin `oh + sh`: for 4-channel blocks with long
    // reductions (a block's weights for one pair outgrow half of L1), dcgan1 1.2× by CPU time; for
    // 1-channel blocks over 3 × 3 consecutive taps, whose rows share input rows, fsrcnn 1.2×.
    const twins = !exact && ((nco === 4 && longest >= TWIN_ENTRIES) || (nco === 1 && windowRows));
    const rowStep = sh * OW;
    for (let oh = ohBegin; oh < ohEnd; oh++) {
      if (twins && Math.floor((oh - ohBegin) / sh) % 2 === 1) continue; // its lead's twin
      const twin = twins && oh + sh < ohEnd;
      const rp = oh % sh;
      const rowPhase = rowPhases[rp]!;
      const jr = (oh - rowPhase.first) / sh;
      for (let cp = 0; cp < colPhases.length; cp++) {
        const colPhase = colPhases[cp]!;
        const count = colPhase.count;
        const pair = rp * colPhases.length + cp;
        const oRow = oImage + co * oCo + oh * OW + colPhase.first;
        let pk = packed;
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
          k1 = fillTable(rowPhase, colPhase, jr, -1, cin, geometry, starts[pair]!, k0);
          pk = repack(packed, base, nco, k0, k1);
          ps = 0;
          xs = lo;
        } else {
          k0 = starts[pair]!;
          k1 = starts[pair + 1]! - TABLE_GAP;
          ps = base + k0 * nco;
          xs = (jr - geometry.rowLo) * Wp;
        }
        const span = hi - lo;
        const o = oRow + lo * oStep;
        if (nco === 1 && twin) {
          const wide = span >> 1;
          row1x2x2taps3(ws, pk, out, b, co, xo, k0, k1, ps, xs, Wp, o, rowStep, oStep, wide);
          const done = 2 * wide;
          const xr = xs + done;
          const or = o + done * oStep;
          rowNx1(ws, pk, out, b, co, 1, xo, k0, k1, ps, xr, or, oCo, oStep, span & 1);
          rowNx1(ws, pk, out, b, co, 1, xo, k0, k1, ps, xr + Wp, or + rowStep, oCo, oStep, span & 1);
        } else if (nco === 1) {
          const wide = span >> 3;
          const window = exact ? 0 : windowed[cp]!;
          if (window === 2) row1x8taps2(ws, pk, out, b, co, xo, k0, k1, ps, xs, o, oStep, wide);
          else if (window === 3) row1x8taps3(ws, pk, out, b, co, xo, k0, k1, ps, xs, o, oStep, wide);
          else row1x8(ws, pk, out, b, co, xo, k0, k1, ps, xs, o, oStep, wide);
          const done = 8 * wide;
          rowNx1(ws, pk, out, b, co, 1, xo, k0, k1, ps, xs + done, o + done * oStep, oCo, oStep, span & 7);
        } else {
          const wide = span >> 2;
          if (twin) row4x4x2(ws, pk, out, b, co, xo, k0, k1, ps, xs, Wp, o, rowStep, oCo, oStep, wide);
          else if (nco === 4) row4x4(ws, pk, out, b, co, xo, k0, k1, ps, xs, o, oCo, oStep, wide);
          else if (nco === 3) row3x4(ws, pk, out, b, co, xo, k0, k1, ps, xs, o, oCo, oStep, wide);
          else row2x4(ws, pk, out, b, co, xo, k0, k1, ps, xs, o, oCo, oStep, wide);
          const done = 4 * wide;
          const xr = xs + done;
          const or = o + done * oStep;
          if (nco === 4) row4x1(ws, pk, out, b, co, xo, k0, k1, ps, xr, or, oCo, oStep, span & 3);
          if (twin) row4x1(ws, pk, out, b, co, xo, k0, k1, ps, xr + Wp, or + rowStep, oCo, oStep, span & 3);
          if (nco !== 4) rowNx1(ws, pk, out, b, co, nco, xo, k0, k1, ps, xr, or, oCo, oStep, span & 3);
        }
        if (exact) {
          // Each edge column gets a table of only the taps that read inside the input.
          for (let e = 0; e < count; e++) {
            if (e === lo && lo < hi) e = hi;
            if (e === count) break;
            const kE = fillTable(rowPhase, colPhase, jr, e, cin, geometry, starts[pair]!, k0);
            const pe = repack(packed, base, nco, k0, kE);
            const oE = oRow + e * oStep;
            rowNx1(ws, pe, out, b, co, nco, xo, k0, kE, 0, e, oE, oCo, oStep, 1);
          }
        }
      }
    }
    c += nco;
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
  // Plain loops, not `fill`: its call cost on the few padding columns of each row was 2% of fsrcnn.
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < rows; r++) {
      const dst = (c * rows + r) * Wp;
      const row = rowLo + r;
      if (row < 0 || row >= H) {
        for (let i = dst; i < dst + Wp; i++) ws[i] = 0;
        continue;
      }
      const src = xBase + (c * H + row) * W;
      for (let i = dst; i < dst + left; i++) ws[i] = 0;
      for (let i = 0; i < W; i++) ws[dst + left + i] = x[src + i]!;
      for (let i = dst + left + W; i < dst + Wp; i++) ws[i] = 0;
    }
  }
}

/**
 * Writes, from entry `k`, the reduction table of `rowPhase` × `colPhase` in sum order (input channel,
 * row tap, column tap) and returns the entry after its last. `xo` holds workspace offsets relative to
 * the tile's first column. With `jr < 0` the table serves every row of the phase in every band of
 * the same height (the caller adds `(jr - rowLo) * Wp`); with `jr >= 0` it is for that row only and
 * leaves out row taps outside the input; with `edge >= 0` it is for that one column (the caller adds
 * it) and leaves out column taps outside the input too. `src` gets, for each entry, its entry in the pair's full table (which starts at `first`).
 */
function fillTable(
  rowPhase: AxisPhase,
  colPhase: AxisPhase,
  jr: number,
  edge: number,
  cin: number,
  { rowLo, rows, Wp, colLo }: Band,
  first: number,
  k: number,
): number {
  const { xo, src } = scratch;
  const exact = jr >= 0;
  const rowTaps = rowPhase.taps;
  const colTaps = colPhase.taps;
  for (let c = 0, full = first; c < cin; c++) {
    for (const rt of rowTaps) {
      if (exact && (jr < rt.jBegin || jr >= rt.jEnd)) {
        full += colTaps.length;
        continue;
      }
      const xRow = (c * rows + rt.inputStart + (exact ? jr - rowLo : 0)) * Wp - colLo;
      for (const ct of colTaps) {
        if (edge < 0 || (edge >= ct.jBegin && edge < ct.jEnd)) {
          xo[k] = xRow + ct.inputStart;
          src[k] = full;
          k++;
        }
        full++;
      }
    }
  }
  return k;
}

/**
 * Copies the weights of table entries `[k0, k1)` (see `fillTable`'s `src`) for the `nco` channels
 * of the block at `packed[base]` into the exact-mode scratch, from index 0, and returns it.
 */
function repack(packed: Float64Array, base: number, nco: number, k0: number, k1: number): Float64Array {
  const { src, exact } = scratch;
  let q = 0;
  for (let k = k0; k < k1; k++) {
    const s = base + src[k]! * nco;
    for (let i = 0; i < nco; i++) exact[q++] = packed[s + i]!;
  }
  return exact;
}

/** Entries of the layout's longest phase-pair table. */
export function longestTable({ starts }: Layout): number {
  let longest = 0;
  for (let pair = 0; pair + 1 < starts.length; pair++) {
    longest = Math.max(longest, starts[pair + 1]! - starts[pair]! - TABLE_GAP);
  }
  return longest;
}

/**
 * Whether a unit's `fullBlocks` full 4-channel blocks take panels (when every weight is finite): at
 * least `PANEL_BLOCKS` of them, tables (the longest has `longest` entries) shorter than
 * `PANEL_ENTRIES`, and packed weights the tiles can index.
 */
function blocksTakePanels(work: Work, fullBlocks: number, longest: number): boolean {
  return fullBlocks >= PANEL_BLOCKS && longest < PANEL_ENTRIES && panelsIndexable(work);
}

/** Whether units of `work` with a whole chunk of channels compute their full blocks by panels. */
export function takesPanels(work: Work): boolean {
  const channels = Math.min(work.plan.outChannelsPerGroup, work.chunkChannels);
  return blocksTakePanels(work, Math.floor(channels / CO_BLOCK), longestTable(work.layout));
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
