import {
  type AxisPhase,
  type ConvTranspose2dPlan,
  phaseCorrelation,
  type Transform1d,
  toomCook,
} from '@convt/core';

/**
 * Harmonic mean of input and output channels per group from which Winograd tiles pay: the input
 * transform is shared by the output channels, the output transform by the input channels.
 */
const MIN_CHANNEL_MEAN = 32;
/**
 * Products per output (input channels x taps) from which the tiles' float32 rounding (transforms,
 * rounded transformed weights) stays well inside the conformance bound `(products + 1) u sum|x w|`.
 */
const MIN_PRODUCTS = 256;
/** Winograd runs only when its modelled cost is below this fraction of the direct kernels'. */
const MAX_COST_RATIO = 0.8;
/** Bytes of transformed inputs and GEMM products one unit keeps (in L2). */
const WORKSPACE_BYTES = 384 * 1024;
/** Output channels per GEMM block (two vectors). */
export const CO_BLOCK = 8;
/** Tiles per GEMM step. */
const TILE_STEP = 4;
/** Candidate outputs per tile and axis. */
const TILE_OUTPUTS = [2, 3, 4];
/**
 * Units per thread the work is cut into, when the channels allow. Each channel chunk transforms its
 * tiles' inputs again, so finer cuts cost more than they balance: 2 per thread ran `dcgan2` and
 * `dcgan3` about 1.1x faster at 2 threads than 4 per thread, and 8 per thread 0.8x.
 */
const UNITS_PER_THREAD = 2;

/**
 * One phase of an axis as an `r`-tap correlation: output `j` reads inputs `start + j + d` (`d < r`)
 * with kernel tap `kernel[d]`, in tiles of `transform.m` outputs.
 */
export interface WinogradPhase {
  readonly phase: AxisPhase;
  readonly transform: Transform1d;
  readonly start: number;
  readonly kernel: readonly number[];
  /** Tiles per image: `ceil(count / m)`. */
  readonly tiles: number;
}

/** One (row phase, column phase) pair. */
export interface WinogradPair {
  readonly rows: WinogradPhase;
  readonly cols: WinogradPhase;
  /** Transformed positions: `nh * nw`. */
  readonly nn: number;
  /** Tiles over the batch. */
  readonly tiles: number;
  /** Tile blocks (units per output-channel chunk) of one group. */
  readonly blocks: number;
  /** Floats from the start of the transformed weights. */
  readonly weightOffset: number;
  /** Floats of one group's transformed weights. */
  readonly groupLength: number;
}

/** How a float32 call runs on Winograd tiles (`asm/winograd.ts`), from core's plan only. */
export interface WinogradTiling {
  readonly pairs: readonly WinogradPair[];
  /** Input channels per group padded to whole vectors. */
  readonly cinPad: number;
  /** Blocks of `CO_BLOCK` output channels per group (the last one zero padded). */
  readonly coBlocks: number;
  /** Tiles per unit, a multiple of 4. */
  readonly tileBlock: number;
  readonly chunks: number;
  readonly chunkBlocks: number;
  readonly unitsPerGroup: number;
  /** The zero-padded channels-last input: rows `[-padTop, padHeight - padTop)` of the input, etc. */
  readonly padTop: number;
  readonly padLeft: number;
  readonly padHeight: number;
  readonly padWidth: number;
  /** Bytes of one thread's workspace, and where its GEMM products and its transform scratch start. */
  readonly workspaceBytes: number;
  readonly productsOffset: number;
  readonly scratchOffset: number;
  /** Floats of the transformed weights. */
  readonly weightLength: number;
  /** Weight-cache key: equal keys, equal transformed weights. */
  readonly weightKey: string;
}

/**
 * The Winograd tiling of a float32 call, or null when the direct kernels suit it better: dilation 1,
 * every phase of an axis an `r`-tap correlation (r = 2 or 3) over consecutive inputs, every output
 * reading at least one input (an output whose exact value is its bias would pick up its tile's
 * rounding), enough channels (`MIN_CHANNEL_MEAN`, `MIN_PRODUCTS`) and a modelled cost below the
 * direct kernels'. `threads` only sets how finely the work is cut, never what an output computes.
 */
export function winogradTiling(
  plan: ConvTranspose2dPlan,
  threads: number,
  force?: { readonly rows: number; readonly cols: number },
): WinogradTiling | null {
  if (plan.dilation[0] !== 1 || plan.dilation[1] !== 1) return null;
  const rowTaps = correlationTaps(plan.rows.phases);
  const colTaps = correlationTaps(plan.cols.phases);
  if (rowTaps === 0 || colTaps === 0) return null;
  const cin = plan.inChannelsPerGroup;
  const cout = plan.outChannelsPerGroup;
  if (2 / (1 / cin + 1 / cout) < MIN_CHANNEL_MEAN || cin * rowTaps * colTaps < MIN_PRODUCTS) return null;

  const cinPad = Math.ceil(cin / 4) * 4;
  const coBlocks = Math.ceil(cout / CO_BLOCK);
  let best: { mh: number; mw: number; cost: number } | null = null;
  for (const mh of force ? [force.rows] : TILE_OUTPUTS) {
    for (const mw of force ? [force.cols] : TILE_OUTPUTS) {
      const cost = winogradCost(plan, mh, mw, cinPad, coBlocks * CO_BLOCK);
      if (best === null || cost < best.cost) best = { mh, mw, cost };
    }
  }
  if (best === null) return null;
  if (!force && best.cost > MAX_COST_RATIO * directCost(plan)) return null;

  const rows = plan.rows.phases.map((p) => correlation(p, best.mh));
  const cols = plan.cols.phases.map((p) => correlation(p, best.mw));
  const nn = rows[0]!.transform.n * cols[0]!.transform.n;
  const nmax = Math.max(rows[0]!.transform.n, cols[0]!.transform.n);
  const mostTiles = Math.max(...rows.flatMap((r) => cols.map((c) => plan.batch * r.tiles * c.tiles)));
  const perTile = nn * (cinPad + coBlocks * CO_BLOCK) * 4;
  const fit = Math.max(TILE_STEP, Math.floor(WORKSPACE_BYTES / perTile / TILE_STEP) * TILE_STEP);
  const tileBlock = Math.min(fit, Math.ceil(mostTiles / TILE_STEP) * TILE_STEP);

  const groupLength = nn * coBlocks * cinPad * CO_BLOCK;
  const pairs: WinogradPair[] = [];
  let blocks = 0;
  for (const r of rows) {
    for (const c of cols) {
      const tiles = plan.batch * r.tiles * c.tiles;
      const pairBlocks = Math.ceil(tiles / tileBlock);
      pairs.push({
        rows: r,
        cols: c,
        nn,
        tiles,
        blocks: pairBlocks,
        weightOffset: pairs.length * plan.groups * groupLength,
        groupLength,
      });
      blocks += pairBlocks;
    }
  }
  // Cut the channels into chunks only as far as the threads need units; each chunk transforms its
  // tiles' inputs again.
  const wanted = Math.ceil((UNITS_PER_THREAD * threads) / (plan.groups * blocks));
  const chunks0 = Math.min(coBlocks, threads > 1 ? wanted : 1);
  const chunkBlocks = Math.ceil(coBlocks / chunks0);
  const chunks = Math.ceil(coBlocks / chunkBlocks);

  const reach = (phases: readonly WinogradPhase[]) => {
    const before = Math.max(0, ...phases.map((p) => -p.start));
    const after = Math.max(...phases.map((p) => p.start + (p.tiles - 1) * p.transform.m + p.transform.n));
    return { before, after };
  };
  const r = reach(rows);
  const c = reach(cols);
  const padHeight = r.before + Math.max(plan.inHeight, r.after);
  const padWidth = c.before + Math.max(plan.inWidth, c.after);

  const vBytes = nn * tileBlock * cinPad * 4;
  const mBytes = nn * tileBlock * chunkBlocks * CO_BLOCK * 4;
  // Transform scratch: the input's row pass (nh x nw x cinPad), or the output's row and column
  // passes (mh x nw + mh x mw, x the chunk's channels).
  const mmax = Math.max(rows[0]!.transform.m, cols[0]!.transform.m);
  const scratchBytes = Math.max(nmax * nmax * cinPad, mmax * (nmax + mmax) * chunkBlocks * CO_BLOCK) * 4;
  const key = (phases: readonly WinogradPhase[]) =>
    `${phases[0]!.transform.m}:${phases.map((p) => p.kernel.join(',')).join('/')}`;
  return {
    pairs,
    cinPad,
    coBlocks,
    tileBlock,
    chunks,
    chunkBlocks,
    unitsPerGroup: blocks * chunks,
    padTop: r.before,
    padLeft: c.before,
    padHeight,
    padWidth,
    workspaceBytes: vBytes + mBytes + scratchBytes,
    productsOffset: vBytes,
    scratchOffset: vBytes + mBytes,
    weightLength: pairs.length * plan.groups * groupLength,
    weightKey: `winograd|${plan.weightShape}|${plan.groups}|${key(rows)}|${key(cols)}`,
  };
}

/**
 * The taps per phase when every phase of the axis has the same number, 2 or 3, and is a correlation
 * over consecutive inputs in which every output reads at least one input (`phaseCorrelation`); 0
 * otherwise.
 */
function correlationTaps(phases: readonly AxisPhase[]): number {
  const r = phases[0]!.taps.length;
  if (r !== 2 && r !== 3) return 0;
  return phases.every((p) => p.taps.length === r && phaseCorrelation(p) !== null) ? r : 0;
}

function correlation(phase: AxisPhase, m: number): WinogradPhase {
  const { start, kernel } = phaseCorrelation(phase)!;
  return { phase, transform: toomCook(m, kernel.length), start, kernel, tiles: Math.ceil(phase.count / m) };
}

/**
 * Transformed weights up to this size stay in a last-level cache between calls: streaming them costs
 * little. Larger ones come from memory at every call. `dcgan1`'s 19 MB for F(2x2, 2x2), 4 tiles per
 * pair, ran 1.0-1.15x the direct kernels' speed on AMD EPYC and 1.34-1.38x on Intel Xeon, at 1 and 2
 * threads; `dcgan2`'s 13 MB for F(4x4, 2x2) twice as fast.
 */
const CACHED_WEIGHT_BYTES = 32 * 2 ** 20;
/** Multiply-adds one byte of transformed weights costs: from cache, and from memory. */
const CACHED_BYTE_COST = 0.25;
const MEMORY_BYTE_COST = 3;

/**
 * Modelled cost in multiply-adds: per phase pair, the GEMM over tiles padded to the 4-tile step or,
 * if longer, the streaming of its transformed weights once per tile block, plus the transforms
 * (about `nh + nw` steps per transformed value and channel).
 */
function winogradCost(
  plan: ConvTranspose2dPlan,
  mh: number,
  mw: number,
  cinPad: number,
  coPad: number,
): number {
  const rh = plan.rows.phases[0]!.taps.length;
  const rw = plan.cols.phases[0]!.taps.length;
  const nn = (mh + rh - 1) * (mw + rw - 1);
  const pairWeightBytes = nn * cinPad * coPad * 4 * plan.groups;
  const pairs = plan.rows.phases.length * plan.cols.phases.length;
  const byteCost = pairs * pairWeightBytes <= CACHED_WEIGHT_BYTES ? CACHED_BYTE_COST : MEMORY_BYTE_COST;
  let cost = 0;
  for (const rp of plan.rows.phases) {
    for (const cp of plan.cols.phases) {
      const tiles = plan.batch * Math.ceil(rp.count / mh) * Math.ceil(cp.count / mw);
      const padded = Math.ceil(tiles / TILE_STEP) * TILE_STEP;
      const transforms = tiles * (mh + mw + rh + rw) * (cinPad + coPad);
      // Tile blocks stream the weights again (at least one per 64 tiles), while the GEMM runs.
      const streams = Math.ceil(tiles / 64);
      const gemm = plan.groups * nn * padded * cinPad * coPad;
      cost += Math.max(gemm, streams * pairWeightBytes * byteCost) + plan.groups * nn * transforms;
    }
  }
  return cost;
}

/** The direct kernels' multiply-adds: every tap of every output, over 4-channel blocks. */
function directCost(plan: ConvTranspose2dPlan): number {
  let cost = 0;
  for (const rp of plan.rows.phases) {
    for (const cp of plan.cols.phases) {
      cost += rp.count * cp.count * rp.taps.length * cp.taps.length;
    }
  }
  return (
    cost * plan.batch * plan.groups * plan.inChannelsPerGroup * Math.ceil(plan.outChannelsPerGroup / 4) * 4
  );
}
