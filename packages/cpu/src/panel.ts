import { type Data, row4x1 } from './blocks.js';
import { CO_BLOCK, TABLE_GAP } from './layout.js';
import type { Work } from './work.js';

/**
 * Panels: the inputs of a run of 4-column tiles, gathered once from the band workspace in table order,
 * so that the tiles of every channel block read them as one contiguous stream. Tile `t`'s entry `k`
 * holds its 4 columns at `panel[(t * E + k) * 4]` (`E` entries per table). The tile kernel then walks
 * the panel and its block's weights with two pointers (stepping by 4 and by the block's width): no
 * table load and no offset arithmetic per product, which is where the table-driven tile loop spends a
 * fifth of its time. A
 * panel is filled once per row and column phase and serves every block, so its copy costs a
 * fraction of a product per entry when a group has 8 or more output channels.
 *
 * Measured in one process, interleaved, against the table-driven tiles (single thread, CPU time):
 * unet_up 1.21x, seg_up 1.14x, dilated 1.11x, grouped 1.09x; on long tables the two-row tiles keep
 * their lead (see `PANEL_ENTRIES`).
 */

/**
 * Table entries below which panels replace two-row tiles (unit loop, same run: dilated's 576 entries
 * 1.08x, 1024 entries (dcgan2, dcgan_b16 without Winograd) 0.98-1.01x, dcgan1's 2048 0.78x: there a
 * tile's panel and its block's weights both outgrow L1).
 */
export const PANEL_ENTRIES = 1024;

/**
 * Bound of every index the panel tiles compute (2^30). The tile loop masks its pointers with it, so
 * V8 can prove that no index addition overflows int32 and drops an overflow check from each of its 8
 * loads (the loop 1.07-1.13x in isolation). Layers whose packed weights reach it (8 GiB) take the
 * two-row tiles instead (`panelsIndexable`).
 */
export const PANEL_INDEX_LIMIT = 2 ** 30;
const INDEX_MASK = PANEL_INDEX_LIMIT - 1;

/** Whether the packed weights of `work`'s layer stay below `PANEL_INDEX_LIMIT`. */
export function panelsIndexable(work: Work): boolean {
  return work.layout.length < PANEL_INDEX_LIMIT;
}

/** Doubles of one panel (64 KiB; 32 and 256 KiB measured alike): longer rows take several panels. */
const PANEL_DOUBLES = 8 * 1024;

/** Doubles of packed weights the blocks sharing a panel may span (512 KiB, so they stay in L2). */
const PANEL_WEIGHT_DOUBLES = 64 * 1024;

/**
 * A panel is a plain array of doubles rather than a Float64Array: V8 loads its elements without a
 * typed array's base-pointer arithmetic (the tile loop 1.04-1.07x in isolation, unet_up 1.05-1.10x
 * in whole calls). It is created holding fractions, so that it holds doubles unboxed from the start
 * (an array of small integers is another element kind, and would change kind on the first store).
 */
export type Panel = number[];

function panelOf(length: number): Panel {
  return Array.from({ length }, () => 0.5);
}

/**
 * Per-thread scratch: one plain array holding the panel (`[0, PANEL_DOUBLES)`) and after it a copy of
 * the packed weights of the blocks it serves, so that the tile loop reads both from one array (one
 * map check and one elements load per step instead of two, and no typed array's base-pointer
 * arithmetic per weight: the loop 1.07-1.15x in isolation); and per phase pair the first pair whose
 * table lists the same offsets (its panels are the same: 1-tap phases reading the same input, as in
 * k2 s2 layers). The weights copied last are noted, so that the units a thread takes in one call copy
 * them once; `releasePanelWeights` forgets them after the call.
 */
const scratch = {
  buffer: panelOf(PANEL_DOUBLES),
  sameTable: new Int32Array(16),
  copiedFrom: null as Float64Array | null,
  copiedBegin: 0,
  copiedEnd: 0,
};

/** Drops the note of the weights last copied (and the reference to their array): the call is over. */
export function releasePanelWeights(): void {
  scratch.copiedFrom = null;
}

/**
 * How many of `channels` (a multiple of 4) go to blocks of 4 when they are cut into blocks of 3 and 4:
 * as few as leave a multiple of 3 (64 channels: one block of 4, then twenty of 3). The 3-channel tile
 * ran 1.09-1.13x faster per product than the 4-channel one in isolation (both spill some of their
 * sums: V8 computes a step's products before its sums). Blocks of 4 come first.
 */
function fourChannels(channels: number): number {
  return 4 * (channels % 3);
}

/**
 * Copies the packed weights of channels `[coA, coB)` (full 4-channel blocks) behind the panel, cut
 * into blocks of 4 below channel `fours` and of 3 from it (`fourChannels`): the block from channel
 * `c` of width `w` holds, from `PANEL_DOUBLES + (c - coA) * tableSize`, `w` weights per table entry.
 * Skipped when they are there.
 */
function copyWeights(
  packed: Float64Array,
  coA: number,
  coB: number,
  fours: number,
  tableSize: number,
): Panel {
  const begin = coA * tableSize;
  const end = coB * tableSize;
  if (scratch.copiedFrom === packed && scratch.copiedBegin === begin && scratch.copiedEnd === end) {
    return scratch.buffer;
  }
  if (scratch.buffer.length < PANEL_DOUBLES + end - begin) {
    scratch.buffer = panelOf(PANEL_DOUBLES + end - begin);
  }
  const buffer = scratch.buffer;
  for (let c = coA; c < coB; ) {
    const w = c < fours ? 4 : 3;
    const dst = PANEL_DOUBLES + (c - coA) * tableSize;
    for (let l = 0; l < w; l++) {
      const rel = c + l - coA;
      const src = (coA + rel - (rel & 3)) * tableSize + (rel & 3);
      for (let k = 0; k < tableSize; k++) buffer[dst + k * w + l] = packed[src + k * CO_BLOCK]!;
    }
    c += w;
  }
  scratch.copiedFrom = packed;
  scratch.copiedBegin = begin;
  scratch.copiedEnd = end;
  return buffer;
}

/**
 * The rows `[ohBegin, ohEnd)` of `blocks` full 4-channel blocks from output channel `co0`, from the
 * band workspace `ws` (first row `rowLo`, `Wp` doubles per row) and the pair tables in `xo`: per output
 * row and column phase, a panel is gathered once and every block's tiles read it. Blocks are taken
 * in groups whose weights stay in L2; a panel is kept for the next pair when their tables are the
 * same (see `markSameTables`). Columns beyond the last full tile take `row4x1`.
 */
export function runPanels(
  work: Work,
  ws: Float64Array,
  xo: Int32Array,
  packed: Float64Array,
  b: Data | null,
  out: Data,
  co0: number,
  blocks: number,
  ohBegin: number,
  ohEnd: number,
  rowLo: number,
  Wp: number,
  oImage: number,
): void {
  const p = work.plan;
  const { tableSize, starts } = work.layout;
  const { sameTable } = scratch;
  const sh = p.stride[0];
  const oStep = p.stride[1];
  const oCo = p.outHeight * p.outWidth;
  const rowPhases = p.rows.phases;
  const colPhases = p.cols.phases;
  const groupBlocks = Math.max(1, Math.floor(PANEL_WEIGHT_DOUBLES / (CO_BLOCK * tableSize)));
  for (let gb = 0; gb < blocks; gb += groupBlocks) {
    const gbEnd = Math.min(blocks, gb + groupBlocks);
    const coA = co0 + gb * CO_BLOCK;
    const coB = co0 + gbEnd * CO_BLOCK;
    // Channels below `fours` are in blocks of 4, the rest in blocks of 3.
    const fours = coA + fourChannels(coB - coA);
    const panel = copyWeights(packed, coA, coB, fours, tableSize);
    let filledTable = -1;
    let filledAt = -1;
    for (let oh = ohBegin; oh < ohEnd; oh++) {
      const rp = oh % sh;
      const rowPhase = rowPhases[rp]!;
      const xs = ((oh - rowPhase.first) / sh - rowLo) * Wp;
      for (let cp = 0; cp < colPhases.length; cp++) {
        const colPhase = colPhases[cp]!;
        const pair = rp * colPhases.length + cp;
        const k0 = starts[pair]!;
        const k1 = starts[pair + 1]! - TABLE_GAP;
        const entries = k1 - k0;
        const oRow = oImage + oh * p.outWidth + colPhase.first;
        const wide = colPhase.count >> 2;
        const perPanel = Math.max(1, Math.floor(PANEL_DOUBLES / (CO_BLOCK * entries)));
        for (let t0 = 0; t0 < wide; t0 += perPanel) {
          const tiles = Math.min(perPanel, wide - t0);
          const at = xs + 4 * t0;
          // Only whole panels are kept: a short last one would not match the next row's first.
          if (filledTable !== sameTable[pair] || filledAt !== at || tiles !== perPanel) {
            fillPanel(ws, xo, k0, k1, at, tiles, panel);
            filledTable = tiles === perPanel ? sameTable[pair]! : -1;
            filledAt = at;
          }
          for (let co = coA; co < coB; ) {
            const w = co < fours ? 4 : 3;
            const o = oRow + co * oCo + 4 * t0 * oStep;
            const ps = PANEL_DOUBLES + (co - coA) * tableSize + k0 * w;
            panelRow(panel, out, b, co, w, entries, 0, ps, o, oCo, oStep, tiles);
            co += w;
          }
        }
        const rest = colPhase.count & 3;
        if (rest === 0) continue;
        for (let blk = gb; blk < gbEnd; blk++) {
          const co = co0 + blk * CO_BLOCK;
          const o = oRow + co * oCo + 4 * wide * oStep;
          const ps = co * tableSize + k0 * CO_BLOCK;
          row4x1(ws, packed, out, b, co, xo, k0, k1, ps, xs + 4 * wide, o, oCo, oStep, rest);
        }
      }
    }
  }
}

/**
 * Notes, per phase pair of the tables just filled into `xo` (pair `i`'s entries from `starts[i]`),
 * the first pair whose table lists the same offsets.
 */
export function markSameTables(xo: Int32Array, starts: Int32Array): void {
  const pairs = starts.length - 1;
  if (scratch.sameTable.length < pairs) scratch.sameTable = new Int32Array(pairs);
  const { sameTable } = scratch;
  for (let pair = 0; pair < pairs; pair++) {
    sameTable[pair] = pair;
    const length = starts[pair + 1]! - starts[pair]!;
    for (let other = 0; other < pair && sameTable[pair] === pair; other++) {
      if (starts[other + 1]! - starts[other]! !== length) continue;
      let same = true;
      for (let k = 0; k < length - TABLE_GAP && same; k++)
        same = xo[starts[pair]! + k] === xo[starts[other]! + k];
      if (same) sameTable[pair] = other;
    }
  }
}

/**
 * Gathers `tiles` tiles' inputs: for table entries `[k0, k1)` (offsets `xo[k]`, relative to the tile's
 * first column) and tiles starting at workspace offset `xs`, 4 columns apart.
 */
export function fillPanel(
  ws: Float64Array,
  xo: Int32Array,
  k0: number,
  k1: number,
  xs: number,
  tiles: number,
  panel: Panel,
): void {
  let q = 0;
  for (let t = 0; t < tiles; t++, xs += 4) {
    for (let k = k0; k < k1; k++, q += 4) {
      const s = xs + xo[k]!;
      panel[q] = ws[s]!;
      panel[q + 1] = ws[s + 1]!;
      panel[q + 2] = ws[s + 2]!;
      panel[q + 3] = ws[s + 3]!;
    }
  }
}

/**
 * `width` (3 or 4) output channels × 4 columns for `tiles` tiles of a panel (from `panel[xq]`,
 * `4 * entries` doubles per tile), with the block's `entries` × `width` weights from `panel[ps]`.
 * Same products in the same order as `row4x4`, so the sums are bit-identical to it.
 */
export function panelRow(
  panel: Panel,
  out: Data,
  b: Data | null,
  co: number,
  width: number,
  entries: number,
  xq: number,
  ps: number,
  o: number,
  oCo: number,
  oStep: number,
  tiles: number,
): void {
  const b0 = b === null ? 0 : b[co]!;
  const b1 = b === null ? 0 : b[co + 1]!;
  const b2 = b === null ? 0 : b[co + 2]!;
  const b3 = b === null || width < 4 ? 0 : b[co + 3]!;
  const tileLength = 4 * entries;
  for (let t = 0; t < tiles; t++, xq += tileLength, o += 4 * oStep) {
    if (width === 4) panelTile4x4(panel, out, b0, b1, b2, b3, entries, xq, ps, o, oCo, oStep);
    else panelTile3x4(panel, out, b0, b1, b2, entries, xq, ps, o, oCo, oStep);
  }
}

/**
 * A 4-channel tile of `panelRow`: a small function of its own, which V8 compiles tighter than a
 * nested loop.
 */
function panelTile4x4(
  panel: Panel,
  out: Data,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  entries: number,
  xq: number,
  ps: number,
  o: number,
  oCo: number,
  oStep: number,
): void {
  let a00 = 0,
    a01 = 0,
    a02 = 0,
    a03 = 0;
  let a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0;
  let a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0;
  let a30 = 0,
    a31 = 0,
    a32 = 0,
    a33 = 0;
  // Every index below PANEL_INDEX_LIMIT (a panel holds 8K doubles, tables under 1024 entries).
  const end = (xq & INDEX_MASK) + 4 * (entries & 0xffff);
  for (
    let q = xq & INDEX_MASK, r = ps & INDEX_MASK;
    q < end;
    q = (q + 4) & INDEX_MASK, r = (r + 4) & INDEX_MASK
  ) {
    const w0 = panel[r]!,
      w1 = panel[r + 1]!,
      w2 = panel[r + 2]!,
      w3 = panel[r + 3]!;
    const x0 = panel[q]!;
    a00 += x0 * w0;
    a10 += x0 * w1;
    a20 += x0 * w2;
    a30 += x0 * w3;
    const x1 = panel[q + 1]!;
    a01 += x1 * w0;
    a11 += x1 * w1;
    a21 += x1 * w2;
    a31 += x1 * w3;
    const x2 = panel[q + 2]!;
    a02 += x2 * w0;
    a12 += x2 * w1;
    a22 += x2 * w2;
    a32 += x2 * w3;
    const x3 = panel[q + 3]!;
    a03 += x3 * w0;
    a13 += x3 * w1;
    a23 += x3 * w2;
    a33 += x3 * w3;
  }
  let q = o;
  out[q] = a00 + b0;
  out[q + oStep] = a01 + b0;
  out[q + 2 * oStep] = a02 + b0;
  out[q + 3 * oStep] = a03 + b0;
  q += oCo;
  out[q] = a10 + b1;
  out[q + oStep] = a11 + b1;
  out[q + 2 * oStep] = a12 + b1;
  out[q + 3 * oStep] = a13 + b1;
  q += oCo;
  out[q] = a20 + b2;
  out[q + oStep] = a21 + b2;
  out[q + 2 * oStep] = a22 + b2;
  out[q + 3 * oStep] = a23 + b2;
  q += oCo;
  out[q] = a30 + b3;
  out[q + oStep] = a31 + b3;
  out[q + 2 * oStep] = a32 + b3;
  out[q + 3 * oStep] = a33 + b3;
}

/** A 3-channel tile of `panelRow`. */
function panelTile3x4(
  panel: Panel,
  out: Data,
  b0: number,
  b1: number,
  b2: number,
  entries: number,
  xq: number,
  ps: number,
  o: number,
  oCo: number,
  oStep: number,
): void {
  let a00 = 0,
    a01 = 0,
    a02 = 0,
    a03 = 0;
  let a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0;
  let a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0;
  const end = (xq & INDEX_MASK) + 4 * (entries & 0xffff);
  for (
    let q = xq & INDEX_MASK, r = ps & INDEX_MASK;
    q < end;
    q = (q + 4) & INDEX_MASK, r = (r + 3) & INDEX_MASK
  ) {
    const w0 = panel[r]!,
      w1 = panel[r + 1]!,
      w2 = panel[r + 2]!;
    const x0 = panel[q]!;
    a00 += x0 * w0;
    a10 += x0 * w1;
    a20 += x0 * w2;
    const x1 = panel[q + 1]!;
    a01 += x1 * w0;
    a11 += x1 * w1;
    a21 += x1 * w2;
    const x2 = panel[q + 2]!;
    a02 += x2 * w0;
    a12 += x2 * w1;
    a22 += x2 * w2;
    const x3 = panel[q + 3]!;
    a03 += x3 * w0;
    a13 += x3 * w1;
    a23 += x3 * w2;
  }
  let q = o;
  out[q] = a00 + b0;
  out[q + oStep] = a01 + b0;
  out[q + 2 * oStep] = a02 + b0;
  out[q + 3 * oStep] = a03 + b0;
  q += oCo;
  out[q] = a10 + b1;
  out[q + oStep] = a11 + b1;
  out[q + 2 * oStep] = a12 + b1;
  out[q + 3 * oStep] = a13 + b1;
  q += oCo;
  out[q] = a20 + b2;
  out[q + oStep] = a21 + b2;
  out[q + 2 * oStep] = a22 + b2;
  out[q + 3 * oStep] = a23 + b2;
}
