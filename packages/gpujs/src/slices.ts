import type { ConvTranspose2dPlan } from '@convt/core';
import type { Tile } from './tiling.js';

/** The tile's input block `(batch, inChannels, inRows, inWidth)`; a view when it is contiguous. */
export function inputSlice(plan: ConvTranspose2dPlan, data: Float32Array, tile: Tile): Float32Array {
  const { inChannels, inHeight, inWidth } = plan;
  const [n0, n1] = tile.batch;
  const [c0, c1] = tile.inChannels;
  const [h0, h1] = tile.inRows;
  const plane = inHeight * inWidth;
  if (c0 === 0 && c1 === inChannels && h0 === 0 && h1 === inHeight) {
    return data.subarray(n0 * inChannels * plane, n1 * inChannels * plane);
  }
  const rowLength = (h1 - h0) * inWidth;
  const out = new Float32Array((n1 - n0) * (c1 - c0) * rowLength);
  let at = 0;
  for (let n = n0; n < n1; n++) {
    for (let c = c0; c < c1; c++) {
      const from = (n * inChannels + c) * plane + h0 * inWidth;
      out.set(data.subarray(from, from + rowLength), at);
      at += rowLength;
    }
  }
  return out;
}

/** The tile's weight block `(inChannels, channelsPerGroup, kH, kW)`; a view for whole groups. */
export function weightSlice(plan: ConvTranspose2dPlan, data: Float32Array, tile: Tile): Float32Array {
  const taps = plan.kernelHeight * plan.kernelWidth;
  const opg = plan.outChannelsPerGroup;
  const [c0, c1] = tile.inChannels;
  if (tile.channelsPerGroup === opg) return data.subarray(c0 * opg * taps, c1 * opg * taps);
  const block = tile.channelsPerGroup * taps;
  const out = new Float32Array((c1 - c0) * block);
  for (let c = c0; c < c1; c++) {
    const from = (c * opg + tile.groupChannelOffset) * taps;
    out.set(data.subarray(from, from + block), (c - c0) * block);
  }
  return out;
}

/** The tile's bias values, zeros when the call has no bias. */
export function biasSlice(bias: Float32Array | null, tile: Tile): Float32Array {
  const [c0, c1] = tile.channels;
  return bias ? bias.subarray(c0, c1) : new Float32Array(c1 - c0);
}

/** Copies a tile's result `(batch, channels, rows, outWidth)` into the full output. */
export function writeTile(
  plan: ConvTranspose2dPlan,
  out: Float32Array,
  result: Float32Array,
  tile: Tile,
): void {
  const { outChannels, outHeight, outWidth } = plan;
  const [n0, n1] = tile.batch;
  const [c0, c1] = tile.channels;
  const [r0, r1] = tile.rows;
  const block = (r1 - r0) * outWidth;
  const cells = (n1 - n0) * (c1 - c0) * block;
  if (c0 === 0 && c1 === outChannels && r0 === 0 && r1 === outHeight) {
    out.set(result.subarray(0, cells), n0 * outChannels * block);
    return;
  }
  let at = 0;
  for (let n = n0; n < n1; n++) {
    for (let c = c0; c < c1; c++) {
      out.set(result.subarray(at, at + block), ((n * outChannels + c) * outHeight + r0) * outWidth);
      at += block;
    }
  }
}
