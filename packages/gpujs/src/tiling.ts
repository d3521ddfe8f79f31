import { type ConvTranspose2dPlan, ConvTransposeError } from '@convt/core';

/** A half-open index range `[start, end)`. */
export type Range = readonly [number, number];

/**
 * One kernel launch: a block of the output and the slices of input and weight it reads.
 * Channel tiles either hold whole groups or lie inside one group, so every slice is a box.
 */
export interface Tile {
  readonly batch: Range;
  /** Output channels. */
  readonly channels: Range;
  /** Output rows. */
  readonly rows: Range;
  /** Input channels the tile reads (whole groups). */
  readonly inChannels: Range;
  /** Input rows the tile reads. */
  readonly inRows: Range;
  /** Output channels of one group in the weight slice: `outChannelsPerGroup`, or the tile's own when it lies inside one group. */
  readonly channelsPerGroup: number;
  /** First channel of the weight slice inside its group (0 for whole-group tiles). */
  readonly groupChannelOffset: number;
}

/**
 * Why tiles exist: gpu.js addresses every argument and the output through flat indices computed in
 * float32 (exact below 2^24), headless-gl returned wrong outputs above 2^26 cells with no error, and
 * one long draw can trip a browser's GPU watchdog. So no launch may have an output, input slice or
 * weight slice above `limit` cells.
 */
export const DEFAULT_TILE_CELLS = 2 ** 22;
export const MAX_TILE_CELLS = 2 ** 24;

/** Splits the call into tiles: by batch first, then by channel groups (or channels), then by rows. */
export function planTiles(plan: ConvTranspose2dPlan, limit: number): Tile[] {
  const { batch, outChannels, outHeight, outWidth, inWidth, kernelHeight, kernelWidth } = plan;
  const { inChannelsPerGroup: ipg, outChannelsPerGroup: opg, groups } = plan;
  const inChannelsFor = (tc: number) => (tc >= opg ? (tc / opg) * ipg : ipg);
  const inRowsFor = (tr: number) =>
    Math.min(
      plan.inHeight,
      Math.floor((tr - 1 + plan.dilation[0] * (kernelHeight - 1)) / plan.stride[0]) + 1,
    );
  const fits = (tn: number, tc: number, tr: number) =>
    tn * tc * tr * outWidth <= limit &&
    tn * inChannelsFor(tc) * inRowsFor(tr) * inWidth <= limit &&
    inChannelsFor(tc) * Math.min(tc, opg) * kernelHeight * kernelWidth <= limit;

  // Channel tile sizes, largest first: whole groups, then parts of one group.
  const channelSizes: number[] = [];
  for (let g = groups; g >= 1; g--) channelSizes.push(g * opg);
  for (let c = opg - 1; c >= 1; c--) channelSizes.push(c);

  let tn = 1;
  let tc = channelSizes.find((c) => fits(1, c, outHeight));
  let tr = outHeight;
  if (tc === outChannels) {
    const perImage = Math.max(outChannels * outHeight * outWidth, plan.inputImageSize);
    tn = Math.max(1, Math.min(batch, Math.floor(limit / perImage)));
  } else if (tc === undefined) {
    tc = 1;
    while (tr > 1 && !fits(1, 1, tr)) tr = Math.max(1, Math.floor(tr / 2));
    while (tr < outHeight && fits(1, 1, tr + 1)) tr++;
    if (!fits(1, 1, tr)) {
      throw new ConvTransposeError({
        code: 'NOT_SUPPORTED',
        parameter: 'input.shape',
        value: plan.inputShape,
        rule: `needs more than ${limit} cells for one output row of one channel (output width ${outWidth}, input width ${inWidth}, ${ipg} input channels per group), the most one gpu.js launch can address`,
      });
    }
  }

  const tiles: Tile[] = [];
  for (let n0 = 0; n0 < batch; n0 += tn) {
    for (const channels of channelRanges(outChannels, opg, tc)) {
      const group = Math.floor(channels[0] / opg);
      const wholeGroups = tc >= opg;
      const inChannels: Range = wholeGroups
        ? [(channels[0] / opg) * ipg, (channels[1] / opg) * ipg]
        : [group * ipg, (group + 1) * ipg];
      for (let r0 = 0; r0 < outHeight; r0 += tr) {
        const rows: Range = [r0, Math.min(outHeight, r0 + tr)];
        tiles.push({
          batch: [n0, Math.min(batch, n0 + tn)],
          channels,
          rows,
          inChannels,
          inRows: inputRowsRead(plan, rows),
          channelsPerGroup: wholeGroups ? opg : channels[1] - channels[0],
          groupChannelOffset: wholeGroups ? 0 : channels[0] - group * opg,
        });
      }
    }
  }
  return tiles;
}

/** Output channel ranges of size `tc`: whole groups when `tc >= opg`, else chunks that stay inside a group. */
function channelRanges(outChannels: number, opg: number, tc: number): Range[] {
  const ranges: Range[] = [];
  if (tc >= opg) {
    for (let c = 0; c < outChannels; c += tc) ranges.push([c, Math.min(outChannels, c + tc)]);
    return ranges;
  }
  for (let g0 = 0; g0 < outChannels; g0 += opg) {
    for (let c = g0; c < g0 + opg; c += tc) ranges.push([c, Math.min(g0 + opg, c + tc)]);
  }
  return ranges;
}

/**
 * The input rows that output rows `[r0, r1)` read, from the plan's row phases: phase output
 * `first + stride * j` reads `inputStart + j` for each of its taps while `jBegin <= j < jEnd`.
 * A tile that reads no row gets the one-row slice `[0, 1)` so its arguments are never empty.
 */
export function inputRowsRead(plan: ConvTranspose2dPlan, [r0, r1]: Range): Range {
  const { stride, phases } = plan.rows;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const phase of phases) {
    const j0 = Math.max(0, Math.ceil((r0 - phase.first) / stride));
    const j1 = Math.min(phase.count, Math.ceil((r1 - phase.first) / stride));
    for (const tap of phase.taps) {
      const a = Math.max(j0, tap.jBegin);
      const b = Math.min(j1, tap.jEnd);
      if (a >= b) continue;
      lo = Math.min(lo, tap.inputStart + a);
      hi = Math.max(hi, tap.inputStart + b);
    }
  }
  return lo < hi ? [lo, hi] : [0, 1];
}
