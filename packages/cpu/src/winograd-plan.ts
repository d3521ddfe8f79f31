import type { AxisPhase, AxisPlan, ConvTranspose2dPlan } from '@convt/core';
import { CO_BLOCK } from './layout.js';
import { type SparseRows, sparseRows, type Transform1d, toomCook } from './winograd-matrices.js';

/**
 * Harmonic mean of input and output channels per group from which the transforms amortise (the
 * input transform is shared by the output channels, the output transform by the input channels).
 * Measured, 1 and 2 threads, 32x32 inputs: 2x2 taps 16x16 channels 0.90x/0.86x, 24x24 1.20x/1.09x,
 * 16x64 1.14x/1.05x; 3x3 taps 8x8 0.61x, 8x64 1.18x/0.93x, 16x16 1.29x/1.10x.
 */
const MIN_CHANNEL_MEAN_2X2 = 24;
const MIN_CHANNEL_MEAN_3X3 = 16;

/**
 * Products per output (input channels x taps) from which the transforms' float64 rounding, measured
 * at up to 70 u * sum |x * w| with F(4, r), stays well inside the `(products + 1) u * sum |x * w|`
 * that bounds any summation order of the direct sum.
 */
const MIN_PRODUCTS = 128;

/** Doubles of transformed input one unit keeps (128 KiB); larger blocks measured no faster. */
const TILE_SCRATCH_DOUBLES = 16 * 1024;

/**
 * Units per thread below which output channels are cut into chunks, so threads share the work. Few:
 * each chunk transforms its tiles' input again (2 threads, × direct: dcgan2 2.06 with 2 units per
 * thread, 2.00 with 4, 1.81 with 8; dcgan1 1.71, 1.57, 1.51).
 */
const UNITS_PER_THREAD = 2;

/** Output-channel blocks per chunk at least: each chunk transforms its input tiles again. */
const MIN_CHUNK_BLOCKS = 4;

/**
 * One axis of the Winograd path: every phase of it is an `r`-tap correlation, output `j` of phase
 * `p` reading inputs `start[p] + j + d` (`d < r`) with kernel tap `kernel[p * r + d]`, computed in
 * tiles of `transform.m` outputs.
 */
export interface WinogradAxis {
  readonly transform: Transform1d;
  /** The transform's matrices without their zeros: `AT`, `G`, `BT`. */
  readonly at: SparseRows;
  readonly g: SparseRows;
  readonly bt: SparseRows;
  readonly start: Int32Array;
  readonly kernel: Int32Array;
  /** Tiles per phase: `ceil(count / m)`. */
  readonly tiles: Int32Array;
}

/**
 * How a float32 call runs on the Winograd path. Transformed weights: for each (row phase, column
 * phase) pair, group, block of `CO_BLOCK` output channels and transformed position `xi < nh * nw`,
 * `cin` runs of `CO_BLOCK` doubles (a short last block is padded with zeros).
 *
 * A unit is (image, group, phase pair, block of tiles, chunk of output-channel blocks), numbered in
 * that order. Each output is computed whole by the unit holding its tile, from its tile's inputs
 * only, in a fixed order: results do not depend on the cut or on the thread count.
 */
export interface WinogradWork {
  readonly kind: 'winograd';
  readonly plan: ConvTranspose2dPlan;
  readonly rows: WinogradAxis;
  readonly cols: WinogradAxis;
  readonly coBlocks: number;
  /** Doubles of the transformed weights. */
  readonly length: number;
  /** Weight-cache key: equal keys, equal transformed weights. */
  readonly key: string;
  /** Tiles per unit: a multiple of 4 (the GEMM's tile width). */
  readonly tileBlock: number;
  readonly chunkBlocks: number;
  readonly chunks: number;
  /** Per phase pair, its first unit within an (image, group); the last entry is their count. */
  readonly pairUnits: Int32Array;
  readonly units: number;
}

/** Tile sizes tried per axis: larger tiles save multiplies but grow the transforms and their rounding. */
const TILE_OUTPUTS = [2, 3, 4];

/**
 * Relative cost of tiles of `mh x mw` outputs: per tile (padded to the GEMM's 4 per phase pair),
 * `nh * nw` products per (input, output channel), and transforms per input and per output channel
 * of about `2 (nh + nw)` steps per transformed value (each a load, multiply-add and store: measured
 * 3-5 times a GEMM step).
 */
function tileCost(rows: WinogradAxis, cols: WinogradAxis, cin: number, coutG: number): number {
  const { n: nh } = rows.transform;
  const { n: nw } = cols.transform;
  let tiles = 0;
  for (const th of rows.tiles) for (const tw of cols.tiles) tiles += Math.ceil((th * tw) / 4) * 4;
  return tiles * nh * nw * (cin * coutG + 2 * (nh + nw) * (cin + coutG));
}

/**
 * The Winograd work for a float32 call, or null when the layer does not qualify: dilation 1, every
 * phase of an axis with the same number (2 or 3) of taps reading consecutive inputs, every output
 * reading at least one input pixel, and enough channels per group (see `MIN_CHANNEL_MEAN_2X2` and
 * `MIN_PRODUCTS`). Decided from the plan alone, never from the thread count, which only sets how
 * finely the work is cut. `tile` forces tile sizes or the scratch size, for measurements.
 */
export function planWinograd(
  plan: ConvTranspose2dPlan,
  threads: number,
  tile?: { readonly rows?: number; readonly cols?: number; readonly scratch?: number },
): WinogradWork | null {
  const { batch, groups, inChannelsPerGroup: cin, outChannelsPerGroup: coutG } = plan;
  if (plan.dilation[0] !== 1 || plan.dilation[1] !== 1) return null;
  const rowTaps = axisTaps(plan.rows);
  const colTaps = axisTaps(plan.cols);
  if (rowTaps === 0 || colTaps === 0) return null;
  const minMean = rowTaps === 3 && colTaps === 3 ? MIN_CHANNEL_MEAN_3X3 : MIN_CHANNEL_MEAN_2X2;
  if (2 / (1 / cin + 1 / coutG) < minMean || cin * rowTaps * colTaps < MIN_PRODUCTS) return null;
  let rows: WinogradAxis | null = null;
  let cols: WinogradAxis | null = null;
  let best = Number.POSITIVE_INFINITY;
  for (const mh of tile?.rows === undefined ? TILE_OUTPUTS : [tile.rows]) {
    for (const mw of tile?.cols === undefined ? TILE_OUTPUTS : [tile.cols]) {
      const r = winogradAxis(plan.rows.phases, rowTaps, mh);
      const c = winogradAxis(plan.cols.phases, colTaps, mw);
      const cost = tileCost(r, c, cin, coutG);
      if (cost < best) [rows, cols, best] = [r, c, cost];
    }
  }
  if (rows === null || cols === null) return null;
  const nn = rows.transform.n * cols.transform.n;
  const pairs = rows.tiles.length * cols.tiles.length;
  const coBlocks = Math.ceil(coutG / CO_BLOCK);

  const mostTiles = Math.max(...rows.tiles) * Math.max(...cols.tiles);
  const fit = Math.max(4, Math.floor((tile?.scratch ?? TILE_SCRATCH_DOUBLES) / (nn * cin) / 4) * 4);
  const tileBlock = Math.min(fit, Math.ceil(mostTiles / 4) * 4);
  const pairUnits = new Int32Array(pairs + 1);
  const blocksOf = (pair: number) => {
    const tiles = rows.tiles[Math.floor(pair / cols.tiles.length)]! * cols.tiles[pair % cols.tiles.length]!;
    return Math.ceil(tiles / tileBlock);
  };
  let tileBlocks = 0;
  for (let pair = 0; pair < pairs; pair++) tileBlocks += blocksOf(pair);
  const wanted = threads > 1 ? threads * UNITS_PER_THREAD : 1;
  const outer = batch * groups * tileBlocks;
  let chunks = 1;
  if (outer < wanted) {
    chunks = Math.min(Math.floor(coBlocks / MIN_CHUNK_BLOCKS), Math.ceil(wanted / outer));
    chunks = Math.max(1, chunks);
  }
  const chunkBlocks = Math.ceil(coBlocks / chunks);
  chunks = Math.ceil(coBlocks / chunkBlocks);
  for (let pair = 0; pair < pairs; pair++) pairUnits[pair + 1] = pairUnits[pair]! + blocksOf(pair) * chunks;

  const taps = (axis: WinogradAxis) => `${axis.transform.m}:${Array.from(axis.kernel).join(',')}`;
  return {
    kind: 'winograd',
    plan,
    rows,
    cols,
    coBlocks,
    length: pairs * groups * coBlocks * nn * cin * CO_BLOCK,
    key: `winograd|${groups}x${cin}x${coutG}x${plan.kernelHeight}x${plan.kernelWidth}|${taps(rows)}|${taps(cols)}`,
    tileBlock,
    chunkBlocks,
    chunks,
    pairUnits,
    units: batch * groups * pairUnits[pairs]!,
  };
}

/**
 * The taps per phase when every phase has the same number, 2 or 3, reading consecutive inputs, and
 * every output of the axis reads at least one input (else an output whose exact value is its bias
 * would pick up its tile's rounding); 0 otherwise.
 */
function axisTaps(axis: AxisPlan): number {
  const r = axis.phases[0]!.taps.length;
  if (r !== 2 && r !== 3) return 0;
  for (const phase of axis.phases) {
    if (phase.taps.length !== r) return 0;
    const starts = phase.taps.map((t) => t.inputStart).sort((a, b) => a - b);
    if (starts.some((s, d) => s !== starts[0]! + d)) return 0;
    for (let j = 0; j < phase.count; j++) {
      if (!phase.taps.some((t) => t.jBegin <= j && j < t.jEnd)) return 0;
    }
  }
  return r;
}

function winogradAxis(phases: readonly AxisPhase[], r: number, m: number): WinogradAxis {
  const start = new Int32Array(phases.length);
  const kernel = new Int32Array(phases.length * r);
  const tiles = new Int32Array(phases.length);
  phases.forEach((phase, p) => {
    start[p] = Math.min(...phase.taps.map((t) => t.inputStart));
    for (const t of phase.taps) kernel[p * r + t.inputStart - start[p]!] = t.k;
    tiles[p] = Math.ceil(phase.count / m);
  });
  const transform = toomCook(m, r);
  const { n, AT, G, BT } = transform;
  const at = sparseRows(AT, m, n);
  return { transform, at, g: sparseRows(G, n, r), bt: sparseRows(BT, n, n), start, kernel, tiles };
}
