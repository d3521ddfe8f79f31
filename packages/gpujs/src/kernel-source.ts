/**
 * The gpu.js kernel, kept as source text: gpu.js parses it, and a string survives any bundler,
 * minifier or coverage transform of this package unchanged.
 *
 * One thread computes one output cell of a tile (flat index `this.thread.x` over
 * `(batch, channel, row, column)` of the tile). The cell's output phase per axis selects its row of
 * the tap tables, so a thread visits only taps that reach it. Every loop is bounded by a constant.
 *
 * Integer facts are computed in float math, exact while every value stays below 2^24 (the tiler
 * guarantees it). Division is `divFloor`: a float quotient corrected by its remainder, because GL
 * integer division is inexact on some drivers and `floor((a + 0.5) / b)` fails from 2^23 on.
 */
export const DIV_FLOOR_SOURCE = `function divFloor(a, b) {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) {
    q = q - 1;
  }
  if (r >= b) {
    q = q + 1;
  }
  return q;
}`;

/**
 * Arguments: the tile's input `(batch, inChannelsSlice, inRows, inWidth)` and weight
 * `(inChannelsSlice, tileChannelsPerGroup, kernelH, kernelW)` slices, its bias slice, the row and
 * column tap tables (`[k, inputStart]` per phase and tap), and `origin = [first output row,
 * first input row]` of the tile.
 */
export const CONV_TRANSPOSE_SOURCE = `function convTransposeTile(input, weight, bias, rowTaps, colTaps, origin) {
  const cell = this.thread.x;
  const rowIndex = divFloor(cell, this.constants.outWidth);
  const ow = cell - rowIndex * this.constants.outWidth;
  const plane = divFloor(rowIndex, this.constants.tileRows);
  const oh = rowIndex - plane * this.constants.tileRows + origin[0];
  const n = divFloor(plane, this.constants.tileChannels);
  const c = plane - n * this.constants.tileChannels;
  const g = divFloor(c, this.constants.tileChannelsPerGroup);
  const wc = c - g * this.constants.tileChannelsPerGroup;
  const jh = divFloor(oh, this.constants.strideH);
  const ph = oh - jh * this.constants.strideH;
  const jw = divFloor(ow, this.constants.strideW);
  const pw = ow - jw * this.constants.strideW;
  const inputPlane = this.constants.inRows * this.constants.inWidth;
  const weightPlane = this.constants.tileChannelsPerGroup * this.constants.kernelH * this.constants.kernelW;
  const inputBase = (n * this.constants.inChannelsSlice + g * this.constants.inPerGroup) * inputPlane;
  const weightBase = (g * this.constants.inPerGroup * this.constants.tileChannelsPerGroup + wc) * this.constants.kernelH * this.constants.kernelW;
  let sum = bias[c];
  for (let a = 0; a < this.constants.rowTaps; a++) {
    const rowEntry = (ph * this.constants.rowTaps + a) * 2;
    const ih = rowTaps[rowEntry + 1] + jh;
    if (ih >= 0 && ih < this.constants.inHeight) {
      const kh = rowTaps[rowEntry];
      for (let b = 0; b < this.constants.colTaps; b++) {
        const colEntry = (pw * this.constants.colTaps + b) * 2;
        const iw = colTaps[colEntry + 1] + jw;
        if (iw >= 0 && iw < this.constants.inWidth) {
          const kw = colTaps[colEntry];
          let inputIndex = inputBase + (ih - origin[1]) * this.constants.inWidth + iw;
          let weightIndex = weightBase + kh * this.constants.kernelW + kw;
          for (let ci = 0; ci < this.constants.inPerGroup; ci++) {
            sum += input[inputIndex] * weight[weightIndex];
            inputIndex += inputPlane;
            weightIndex += weightPlane;
          }
        }
      }
    }
  }
  return sum;
}`;
