import {
  type AxisPhase,
  type AxisPlan,
  type ConvTranspose2dPlan,
  phaseCorrelation,
  type Transform1d,
  toomCook,
} from '@convt/core';
import { CO_BLOCK } from './layout.js';
import { type SparseRows, sparseRows } from './winograd-matrices.js';

/**
 * Harmonic mean of input and output channels per group from which the transforms amortise (the
 * input transform is shared by the output channels, the output transform by the input channels).
 * Measured, 1 and 2 threads, 32x32 inputs: 2x2 taps 16x16 channels 0.90x/0.86x, 24x24 1.20x/1.09x,
 * 16x64 1.14x/1.05x; 3x3 taps 8x8 0.61x, 8x64 1.18x/0.93x, 16x16 1.29x/1.10x.
 */
const MIN_CHANNEL_MEAN_2X2 = 24;
const MIN_CHANNEL_MEAN_3X3 = 16;

/**
 * The same for layers with a 1-tap phase (k3 s2 p1: pairs of 1 x 1, 1 x 2, 2 x 1 and 2 x 2 taps),
 * against the direct path's panels (k3 s2 p1 op1, 32x32 input, 1T/2T): 64x64 channels 0.93x/0.81x
 * (seg_up 0.94x/1.31x, 2T noisy), 128x128 1.03-1.08x/0.78-0.81x, 256x256 1.27x/1.54x.
 */
const MIN_CHANNEL_MEAN_MIXED = 192;

/**
 * Products per output (input channels x taps) from which the transforms' float64 rounding, measured
 * at up to 70 u * sum |x * w| with F(4, r), stays well inside the `(products + 1) u * sum |x * w|`
 * that bounds any summation order of the direct sum.
 */
const MIN_PRODUCTS = 128;

/** Products per output for a phase pair with one 1-tap phase (one axis transformed). */
const MIN_PRODUCTS_1D = 64;

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
 * One phase of an axis on the Winograd path: an `r`-tap correlation (1 to 3 taps), output `j` of the
 * phase reading inputs `start + j + d` (`d < r`) with kernel tap `kernel[d]`, computed in tiles of
 * `transform.m` outputs. A 1-tap phase takes the identity (`n = m`, no transform work).
 */
export interface WinogradPhase {
  readonly transform: Transform1d;
  /** The transform's matrices without their zeros: `AT`, `G`, `BT`. */
  readonly at: SparseRows;
  readonly g: SparseRows;
  readonly bt: SparseRows;
  readonly start: number;
  readonly kernel: Int32Array;
  /** Tiles of the phase: `ceil(count / m)`. */
  readonly tiles: number;
}

/** One axis of the Winograd path: its phases, all in tiles of `m` outputs. */
export interface WinogradAxis {
  readonly m: number;
  readonly phases: readonly WinogradPhase[];
}

/**
 * How a float32 call runs on the Winograd path. Transformed weights: for each (row phase, column
 * phase) pair (from `pairOffset[pair]`), group, block of `CO_BLOCK` output channels and transformed
 * position `xi < nh * nw` (the pair's phases' `n`), `cin` runs of `CO_BLOCK` doubles (a short last
 * block is padded with zeros).
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
  /** Per phase pair, where its transformed weights start; the last entry is their length. */
  readonly pairOffset: Float64Array;
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
 * Relative cost of an axis pair's tiles: per phase pair, its tiles (padded to the GEMM's 4) times
 * `nh * nw` products per (input, output channel), and transforms per input and per output channel
 * of about `2 (nh + nw)` steps per transformed value (each a load, multiply-add and store: measured
 * 3-5 times a GEMM step); an identity (1-tap) axis only copies, counted as 1 step.
 */
function tileCost(rows: WinogradAxis, cols: WinogradAxis, cin: number, coutG: number): number {
  const steps = (p: WinogradPhase) => (p.transform.r === 1 ? 0.5 : p.transform.n);
  let cost = 0;
  for (const rp of rows.phases) {
    for (const cp of cols.phases) {
      const tiles = Math.ceil((rp.tiles * cp.tiles) / 4) * 4;
      const nn = rp.transform.n * cp.transform.n;
      cost += tiles * nn * (cin * coutG + 2 * (steps(rp) + steps(cp)) * (cin + coutG));
    }
  }
  return cost;
}

/**
 * The Winograd work for a float32 call, or null when the layer does not qualify: dilation 1, every
 * phase with 1 to 3 taps reading consecutive inputs and some phase pair with at least 2 x 2 taps,
 * every output reading at least one input pixel, and enough channels per group (see
 * `minChannelMean` and `minProducts`). Decided from the plan alone, never from the thread count,
 * which only sets how finely the work is cut. `tile` forces tile sizes or the scratch size, for
 * measurements.
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
  if (rowTaps === null || colTaps === null) return null;
  if (Math.max(...rowTaps) < 2 || Math.max(...colTaps) < 2) return null;
  if (2 / (1 / cin + 1 / coutG) < minChannelMean(rowTaps, colTaps)) return null;
  for (const rh of rowTaps) for (const rw of colTaps) if (cin * rh * rw < minProducts(rh, rw)) return null;
  let rows: WinogradAxis | null = null;
  let cols: WinogradAxis | null = null;
  let best = Number.POSITIVE_INFINITY;
  for (const mh of tile?.rows === undefined ? TILE_OUTPUTS : [tile.rows]) {
    for (const mw of tile?.cols === undefined ? TILE_OUTPUTS : [tile.cols]) {
      const r = winogradAxis(plan.rows.phases, mh);
      const c = winogradAxis(plan.cols.phases, mw);
      const cost = tileCost(r, c, cin, coutG);
      if (cost < best) [rows, cols, best] = [r, c, cost];
    }
  }
  if (rows === null || cols === null) return null;
  const colPhases = cols.phases.length;
  const pairs = rows.phases.length * colPhases;
  const coBlocks = Math.ceil(coutG / CO_BLOCK);
  const pairOf = (pair: number) =>
    [rows.phases[Math.floor(pair / colPhases)]!, cols.phases[pair % colPhases]!] as const;
  const pairOffset = new Float64Array(pairs + 1);
  let nnMost = 0;
  for (let pair = 0; pair < pairs; pair++) {
    const [rp, cp] = pairOf(pair);
    const nn = rp.transform.n * cp.transform.n;
    nnMost = Math.max(nnMost, nn);
    pairOffset[pair + 1] = pairOffset[pair]! + groups * coBlocks * nn * cin * CO_BLOCK;
  }

  let mostTiles = 0;
  for (let pair = 0; pair < pairs; pair++) {
    const [rp, cp] = pairOf(pair);
    mostTiles = Math.max(mostTiles, rp.tiles * cp.tiles);
  }
  const fit = Math.max(4, Math.floor((tile?.scratch ?? TILE_SCRATCH_DOUBLES) / (nnMost * cin) / 4) * 4);
  const tileBlock = Math.min(fit, Math.ceil(mostTiles / 4) * 4);
  const pairUnits = new Int32Array(pairs + 1);
  const blocksOf = (pair: number) => {
    const [rp, cp] = pairOf(pair);
    return Math.ceil((rp.tiles * cp.tiles) / tileBlock);
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

  const taps = (axis: WinogradAxis) =>
    `${axis.m}:${axis.phases.map((p) => Array.from(p.kernel).join(',')).join('/')}`;
  return {
    kind: 'winograd',
    plan,
    rows,
    cols,
    coBlocks,
    pairOffset,
    length: pairOffset[pairs]!,
    key: `winograd|${groups}x${cin}x${coutG}x${plan.kernelHeight}x${plan.kernelWidth}|${taps(rows)}|${taps(cols)}`,
    tileBlock,
    chunkBlocks,
    chunks,
    pairUnits,
    units: batch * groups * pairUnits[pairs]!,
  };
}

/**
 * The harmonic mean of input and output channels per group a layer needs (see
 * `MIN_CHANNEL_MEAN_2X2`): 3 x 3 taps in every phase pair save the most multiplies per transform,
 * a 1-tap phase (identity, no transform) saves none on its axis.
 */
function minChannelMean(rowTaps: readonly number[], colTaps: readonly number[]): number {
  const all = [...rowTaps, ...colTaps];
  if (all.every((r) => r === 3)) return MIN_CHANNEL_MEAN_3X3;
  if (all.every((r) => r >= 2)) return MIN_CHANNEL_MEAN_2X2;
  return MIN_CHANNEL_MEAN_MIXED;
}

/**
 * Products per output a phase pair of `rh x rw` taps needs for its rounding (see `MIN_PRODUCTS`):
 * none with 1 x 1 taps (both transforms the identity: the same dot product as the direct path's).
 */
function minProducts(rh: number, rw: number): number {
  if (rh === 1 && rw === 1) return 0;
  return rh === 1 || rw === 1 ? MIN_PRODUCTS_1D : MIN_PRODUCTS;
}

/**
 * The taps of each phase when every phase has 1 to 3 taps reading consecutive inputs and every
 * output of the axis reads at least one input (else an output whose exact value is its bias would
 * pick up its tile's rounding); null otherwise.
 */
function axisTaps(axis: AxisPlan): number[] | null {
  const taps: number[] = [];
  for (const phase of axis.phases) {
    const r = phase.taps.length;
    if (r < 1 || r > 3 || phaseCorrelation(phase) === null) return null;
    taps.push(r);
  }
  return taps;
}

function winogradAxis(phases: readonly AxisPhase[], m: number): WinogradAxis {
  return {
    m,
    phases: phases.map((phase) => {
      const r = phase.taps.length;
      const correlation = phaseCorrelation(phase)!;
      const start = correlation.start;
      const kernel = Int32Array.from(correlation.kernel);
      const transform = r === 1 ? identity(m) : toomCook(m, r);
      const { n, AT, G, BT } = transform;
      return {
        transform,
        at: sparseRows(AT, m, n),
        g: sparseRows(G, n, r),
        bt: sparseRows(BT, n, n),
        start,
        kernel,
        tiles: Math.ceil(phase.count / m),
      };
    }),
  };
}

/** F(m, 1) as the identity: `n = m`, `AT` and `BT` the identity, `G` all ones. */
function identity(m: number): Transform1d {
  const AT = new Float64Array(m * m);
  for (let i = 0; i < m; i++) AT[i * m + i] = 1;
  return { m, r: 1, n: m, AT, G: new Float64Array(m).fill(1), BT: AT.slice() };
}
