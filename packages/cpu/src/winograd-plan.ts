import {
  type AxisPhase,
  type AxisPlan,
  type ConvTranspose2dPlan,
  phaseCorrelation,
  type Transform1d,
  toomCook,
} from '@convt/core';
import { CO_BLOCK } from './layout.js';
import { CIN_LIMIT, INDEX_LIMIT } from './winograd-gemm.js';
import { kernelFor } from './winograd-kernels.js';
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
 * against the direct path's panels (k3 s2 p1 op1, 32x32 input, 1T/2T): 32x32 channels 1.06x/1.33x,
 * 48x48 1.16x/1.37x, 64x64 1.25x/1.29x, 128x128 1.38x/1.30x. (Fewer channels have too few products
 * per output for `MIN_PRODUCTS`.)
 */
const MIN_CHANNEL_MEAN_MIXED = 32;

/**
 * Weights of `tileCost`, fitted to the merged form against the direct path on 13 layers (1 to 64
 * output channels, 2 x 2 and 3 x 3 taps, 1 thread): the speed-up was `directCost / tileCost` within
 * 0.87-1.1 times in each. The input transform's kernels are cheap next to a GEMM product; the output
 * transform stores to scattered outputs; a direct product, from a panel, costs less than a GEMM
 * product padded to whole blocks of tiles and lanes.
 */
const INPUT_STEP = 0.08;
const OUTPUT_STEP = 0.84;
const DIRECT_PRODUCT = 0.72;

/**
 * Speed-up over the direct path the cost model must predict for the merged form: measured 0.9-1.0x
 * where it predicted 0.87-0.96 (k3 s2 p1 heads, whose 1-tap phases take zero taps, and 16 input
 * channels of 1-channel k9 s3), 1.23-2.06x where it predicted 1.23 or more.
 */
const MIN_MERGED_GAIN = 1.15;

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
  /** Written-out kernels for `AT` and `BT` (`kernelFor`), -1 where the sparse rows apply. */
  readonly atKernel: number;
  readonly btKernel: number;
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
 * One axis of the merged form (see `MergedPhases`): each real phase as an `r`-tap correlation from
 * its own start (taps past its own count are `-1`, zero weights), `shift[p]` inputs after the
 * common tile grid's start, so its output `j` is grid position `j + shift[p]`.
 */
export interface MergedAxis {
  readonly kernel: readonly Int32Array[];
  readonly shift: Int32Array;
}

/**
 * The merged form, for layers with few output channels per group (RGB heads, FSRCNN's 1-channel
 * head): the per-pair form transforms each phase pair's input tiles for that pair's few output
 * channels only. Every phase pair is a correlation of the same input, so one grid of tiles aligned
 * on input positions serves them all: its input is transformed once, and each (row phase, column
 * phase, output channel) is a lane of the GEMM, `(rp * colPhases + cp) * coutG + co`. The work then
 * has one virtual phase per axis (the grid) and one pair.
 */
export interface MergedPhases {
  readonly rows: MergedAxis;
  readonly cols: MergedAxis;
  /** GEMM lanes: phase pairs times output channels per group. */
  readonly lanes: number;
}

/**
 * How a float32 call runs on the Winograd path. Transformed weights: for each (row phase, column
 * phase) pair (from `pairOffset[pair]`), group, block of `laneBlock` lanes and transformed
 * position `xi < nh * nw` (the pair's phases' `n`), `cin` runs of `laneBlock` doubles (a short last
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
  /** The merged form's real phases, or null when each phase pair is a pair of `rows` and `cols`. */
  readonly merged: MergedPhases | null;
  /** GEMM lanes per block, 4 or 3 (see `laneBlockFor`). */
  readonly laneBlock: number;
  /** Blocks of `laneBlock` GEMM lanes: output channels per group, or the merged form's lanes. */
  readonly coBlocks: number;
  /** Per phase pair, where its transformed weights start; the last entry is their length. */
  readonly pairOffset: Int32Array;
  /** Values of the transformed weights. */
  readonly length: number;
  /** Whether the transformed weights are kept as float32 (see `FLOAT32_WEIGHTS_BYTES`). */
  readonly float32Weights: boolean;
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
 * `nh * nw` products per (input channel, GEMM lane; lanes padded to whole blocks), plus the transforms:
 * per transformed value `nh + nw` steps per input channel and per lane (an identity axis counts 0.5),
 * weighted as measured with the written-out kernels (`winograd-kernels.ts`): the input transform's
 * step costs `INPUT_STEP` GEMM products, the output transform's with its store `OUTPUT_STEP`.
 */
function tileCost(rows: WinogradAxis, cols: WinogradAxis, cin: number, lanes: number): number {
  const steps = (p: WinogradPhase) => (p.transform.r === 1 ? 0.5 : p.transform.n);
  const block = laneBlockFor(lanes);
  const padded = Math.ceil(lanes / block) * block;
  let cost = 0;
  for (const rp of rows.phases) {
    for (const cp of cols.phases) {
      const tiles = Math.ceil((rp.tiles * cp.tiles) / 4) * 4;
      const nn = rp.transform.n * cp.transform.n;
      const transformSteps = steps(rp) + steps(cp);
      cost += tiles * nn * (cin * padded + transformSteps * (INPUT_STEP * cin + OUTPUT_STEP * padded));
    }
  }
  return cost;
}

/**
 * GEMM lanes per block: 4 (4 x 4 register tiles), or 3 when blocks of 3 pad at least a fifth fewer
 * lanes (FSRCNN's merged head: 9 lanes, 3 blocks of 3 instead of 3 blocks of 4 with 3 lanes idle).
 * A 3 x 4 tile computes as many products per load, about as fast per product.
 */
function laneBlockFor(lanes: number): number {
  const padded = (block: number) => Math.ceil(lanes / block) * block;
  return padded(3) <= 0.8 * padded(CO_BLOCK) ? 3 : CO_BLOCK;
}

/** The direct path's cost in `tileCost`'s units: its products, each `DIRECT_PRODUCT` GEMM products. */
function directCost(plan: ConvTranspose2dPlan): number {
  let products = 0;
  for (const rp of plan.rows.phases) {
    for (const cp of plan.cols.phases) products += rp.count * cp.count * rp.taps.length * cp.taps.length;
  }
  return DIRECT_PRODUCT * products * plan.inChannelsPerGroup * plan.outChannelsPerGroup;
}

/**
 * Forced choices, for measurements and tests: tile sizes, scratch doubles, the merged form or not,
 * float32 transformed weights or not.
 */
export interface WinogradChoice {
  readonly rows?: number;
  readonly cols?: number;
  readonly scratch?: number;
  readonly merged?: boolean;
  readonly float32Weights?: boolean;
}

/**
 * Transformed weights whose float64 form would exceed this (32 MiB) are kept as float32, rounded
 * once. Each call streams all of them, 4 tiles per weight at most, and past about this size they no
 * longer stay in the last-level cache between calls: dcgan1's 36 MiB then ran at 0.58x of its
 * float32 copy (18 MiB), while dcgan2's 25 MiB ran 1.07x faster in float64 than in float32 (each
 * load's conversion costs more than the bytes it saves once they are cached).
 */
export const FLOAT32_WEIGHTS_BYTES = 32 * 1024 * 1024;

/**
 * The Winograd work for a float32 call, or null when the layer does not qualify: dilation 1, every
 * phase with 1 to 3 taps reading consecutive inputs and some phase pair with at least 2 x 2 taps,
 * every output reading at least one input pixel, and enough channels per group (see
 * `minChannelMean` and `minProducts`). Of the per-pair and the merged form (see `MergedPhases`) and
 * their tile sizes, the cheapest by `tileCost` is taken. Decided from the plan alone, never from the
 * thread count, which only sets how finely the work is cut.
 */
export function planWinograd(
  plan: ConvTranspose2dPlan,
  threads: number,
  choice?: WinogradChoice,
): WinogradWork | null {
  const { batch, groups, inChannelsPerGroup: cin, outChannelsPerGroup: coutG } = plan;
  if (plan.dilation[0] !== 1 || plan.dilation[1] !== 1) return null;
  if (cin >= CIN_LIMIT) return null;
  const rowTaps = axisTaps(plan.rows);
  const colTaps = axisTaps(plan.cols);
  if (rowTaps === null || colTaps === null) return null;
  if (Math.max(...rowTaps) < 2 || Math.max(...colTaps) < 2) return null;
  for (const rh of rowTaps) for (const rw of colTaps) if (cin * rh * rw < minProducts(rh, rw)) return null;
  const pairCount = rowTaps.length * colTaps.length;
  const forms: boolean[] = [];
  const channelMean = 2 / (1 / cin + 1 / coutG);
  if (choice?.merged !== true && channelMean >= minChannelMean(rowTaps, colTaps)) forms.push(false);
  if (choice?.merged !== false && pairCount > 1) forms.push(true);
  // The merged form must beat the direct path by the model (unless forced); the per-pair form's
  // channel rule was measured against it.
  const mergedLimit = choice?.merged ? Number.POSITIVE_INFINITY : directCost(plan) / MIN_MERGED_GAIN;
  let best: { rows: WinogradAxis; cols: WinogradAxis; merged: MergedPhases | null } | null = null;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const merged of forms) {
    for (const mh of choice?.rows === undefined ? TILE_OUTPUTS : [choice.rows]) {
      for (const mw of choice?.cols === undefined ? TILE_OUTPUTS : [choice.cols]) {
        const form = merged
          ? mergedForm(plan, mh, mw, pairCount * coutG)
          : {
              rows: winogradAxis(plan.rows.phases, mh),
              cols: winogradAxis(plan.cols.phases, mw),
              merged: null,
            };
        const cost = tileCost(form.rows, form.cols, cin, merged ? pairCount * coutG : coutG);
        if (merged && cost > mergedLimit) continue;
        if (cost < bestCost) [best, bestCost] = [form, cost];
      }
    }
  }
  if (best === null) return null;
  const { rows, cols, merged } = best;
  const colPhases = cols.phases.length;
  const pairs = rows.phases.length * colPhases;
  const lanes = merged ? merged.lanes : coutG;
  const laneBlock = laneBlockFor(lanes);
  const coBlocks = Math.ceil(lanes / laneBlock);
  const pairOf = (pair: number) =>
    [rows.phases[Math.floor(pair / colPhases)]!, cols.phases[pair % colPhases]!] as const;
  const offsets = [0];
  let nnMost = 0;
  for (let pair = 0; pair < pairs; pair++) {
    const [rp, cp] = pairOf(pair);
    const nn = rp.transform.n * cp.transform.n;
    nnMost = Math.max(nnMost, nn);
    offsets.push(offsets[pair]! + groups * coBlocks * nn * cin * laneBlock);
  }
  // The kernels' indices into the packed weights start from these offsets: as int32 values, V8 keeps
  // every index derived from them in integer registers (from a Float64Array they are doubles, and
  // each load converts and checks its index: the GEMM ran at 2/3 of its speed). A layer whose
  // transformed weights, or one block of 4 tiles' transformed input, would reach the GEMM's index
  // bound stays direct.
  if (offsets[pairs]! >= INDEX_LIMIT || nnMost * 4 * cin >= INDEX_LIMIT) return null;
  const pairOffset = Int32Array.from(offsets);

  let mostTiles = 0;
  for (let pair = 0; pair < pairs; pair++) {
    const [rp, cp] = pairOf(pair);
    mostTiles = Math.max(mostTiles, rp.tiles * cp.tiles);
  }
  const fit = Math.max(4, Math.floor((choice?.scratch ?? TILE_SCRATCH_DOUBLES) / (nnMost * cin) / 4) * 4);
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

  const float32Weights = choice?.float32Weights ?? pairOffset[pairs]! * 8 > FLOAT32_WEIGHTS_BYTES;
  const kernels = (list: readonly Int32Array[]) => list.map((k) => Array.from(k).join(',')).join('/');
  const taps = (axis: WinogradAxis, real: MergedAxis | undefined) =>
    `${axis.m}:${kernels(real ? real.kernel : axis.phases.map((p) => p.kernel))}`;
  return {
    kind: 'winograd',
    plan,
    rows,
    cols,
    merged,
    laneBlock,
    coBlocks,
    pairOffset,
    length: pairOffset[pairs]!,
    float32Weights,
    key: `winograd${merged ? '-merged' : ''}|${groups}x${cin}x${coutG}x${plan.kernelHeight}x${plan.kernelWidth}|${taps(rows, merged?.rows)}|${taps(cols, merged?.cols)}${float32Weights ? '|float32' : ''}`,
    tileBlock,
    chunkBlocks,
    chunks,
    pairUnits,
    units: batch * groups * pairUnits[pairs]!,
  };
}

/**
 * The merged form with tiles of `mh x mw` outputs: per axis one virtual phase, the grid, whose tile
 * `t` reads inputs from `start + t * m`, with `start` the earliest of the phases' starts and `r` the
 * most taps of any phase (fewer are padded with zero taps at their end).
 */
function mergedForm(
  plan: ConvTranspose2dPlan,
  mh: number,
  mw: number,
  lanes: number,
): { rows: WinogradAxis; cols: WinogradAxis; merged: MergedPhases } {
  const [rows, realRows] = mergedAxis(plan.rows.phases, mh);
  const [cols, realCols] = mergedAxis(plan.cols.phases, mw);
  return { rows, cols, merged: { rows: realRows, cols: realCols, lanes } };
}

function mergedAxis(phases: readonly AxisPhase[], m: number): [WinogradAxis, MergedAxis] {
  const correlations = phases.map((phase) => phaseCorrelation(phase)!);
  const r = Math.max(...correlations.map((c) => c.kernel.length));
  const start = Math.min(...correlations.map((c) => c.start));
  const shift = Int32Array.from(correlations, (c) => c.start - start);
  let span = 0;
  phases.forEach((phase, p) => {
    span = Math.max(span, phase.count + shift[p]!);
  });
  const kernel = correlations.map((c) => {
    const k = new Int32Array(r).fill(-1);
    k.set(c.kernel);
    return k;
  });
  const transform = toomCook(m, r); // r >= 2: planWinograd asks for 2 taps on each axis
  const grid: WinogradPhase = {
    ...transformRows(transform),
    start,
    kernel: new Int32Array(r).fill(-1),
    tiles: Math.ceil(span / m),
  };
  return [
    { m, phases: [grid] },
    { kernel, shift },
  ];
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
      return {
        ...transformRows(transform),
        start,
        kernel,
        tiles: Math.ceil(phase.count / m),
      };
    }),
  };
}

/** A transform's matrices as the tiles apply them: sparse rows, and written-out kernels where any. */
function transformRows(transform: Transform1d) {
  const { m, r, n, AT, G, BT } = transform;
  return {
    transform,
    at: sparseRows(AT, m, n),
    g: sparseRows(G, n, r),
    bt: sparseRows(BT, n, n),
    atKernel: kernelFor(AT, m, n),
    btKernel: kernelFor(BT, n, n),
  };
}

/** F(m, 1) as the identity: `n = m`, `AT` and `BT` the identity, `G` all ones. */
function identity(m: number): Transform1d {
  const AT = new Float64Array(m * m);
  for (let i = 0; i < m; i++) AT[i * m + i] = 1;
  return { m, r: 1, n: m, AT, G: new Float64Array(m).fill(1), BT: AT.slice() };
}
