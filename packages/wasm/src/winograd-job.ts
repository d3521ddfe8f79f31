import type { ConvTranspose2dPlan } from '@convt/core';
import type { Heap } from './heap.js';
import { allocateJob, type Job, planFields, writeJobFields } from './job.js';
import {
  type JOB,
  JOB_BYTES,
  SPARSE_ROW_BYTES,
  SPARSE_ROW_TERMS,
  WINOGRAD_PAIR,
  WINOGRAD_PAIR_BYTES,
} from './layout.js';
import type { WinogradTiling } from './winograd-plan.js';

export interface WinogradJobInputs {
  readonly plan: ConvTranspose2dPlan;
  readonly tiling: WinogradTiling;
  /** Address of the transformed weights. */
  readonly weights: number;
  readonly bias: Float32Array | null;
  readonly threads: number;
}

/** Allocates and fills a Winograd job (`mode` 2); release it with `heap.release(job.ptr)`. */
export function writeWinogradJob(
  heap: Heap,
  { plan, tiling, weights, bias, threads }: WinogradJobInputs,
): Job {
  const { pairs } = tiling;
  // Each pair's 4 sparse matrices: BTh, BTw (n rows), ATh, ATw (m rows).
  const matrixRows = pairs.reduce(
    (sum, p) =>
      sum + 2 * (p.rows.transform.n + p.cols.transform.n) - p.rows.transform.r - p.cols.transform.r + 2,
    0,
  );
  const rawLength = plan.batch * plan.inChannels * plan.inHeight * plan.inWidth;
  const pixelBytes = plan.groups * tiling.cinPad * 4;
  const imageBytes = tiling.padHeight * tiling.padWidth * pixelBytes;
  const outputLength = plan.batch * plan.outputImageSize;
  const [ptr, pairsAt, matricesAt, biasAt, rawAt, paddedAt, outputAt, workspaceAt] = allocateJob(heap, [
    JOB_BYTES,
    pairs.length * WINOGRAD_PAIR_BYTES,
    matrixRows * SPARSE_ROW_BYTES,
    bias ? bias.length * 4 : 0,
    rawLength * 4,
    plan.batch * imageBytes,
    outputLength * 4,
    threads * tiling.workspaceBytes,
  ]);

  let matrixAt = matricesAt!;
  /** Writes the rows of a `rows x cols` matrix without its zeros; returns its address. */
  const writeSparse = (K: Float64Array, rows: number, cols: number): number => {
    const at = matrixAt;
    const words = heap.i32(at, (rows * SPARSE_ROW_BYTES) / 4);
    const coefs = heap.f32(at, (rows * SPARSE_ROW_BYTES) / 4);
    for (let i = 0; i < rows; i++) {
      const row = (i * SPARSE_ROW_BYTES) / 4;
      let count = 0;
      for (let j = 0; j < cols; j++) {
        const v = K[i * cols + j]!;
        if (v === 0) continue;
        if (count === SPARSE_ROW_TERMS)
          throw new Error(`@convt/wasm: a transform row has over ${count} terms`);
        words[row + 1 + 2 * count] = j;
        coefs[row + 2 + 2 * count] = v;
        count++;
      }
      words[row] = count;
    }
    matrixAt += rows * SPARSE_ROW_BYTES;
    return at;
  };

  const records = heap.i32(pairsAt!, (pairs.length * WINOGRAD_PAIR_BYTES) / 4);
  records.fill(0);
  let unitStart = 0;
  pairs.forEach((pair, p) => {
    const r = (p * WINOGRAD_PAIR_BYTES) / 4;
    const rt = pair.rows.transform;
    const ct = pair.cols.transform;
    const set = (field: keyof typeof WINOGRAD_PAIR, value: number) => {
      records[r + WINOGRAD_PAIR[field] / 4] = value;
    };
    set('unitStart', unitStart);
    set('nh', rt.n);
    set('nw', ct.n);
    set('mh', rt.m);
    set('mw', ct.m);
    set('row0', pair.rows.start + tiling.padTop);
    set('col0', pair.cols.start + tiling.padLeft);
    set('tilesH', pair.rows.tiles);
    set('tilesW', pair.cols.tiles);
    set('rows', pair.rows.phase.count);
    set('cols', pair.cols.phase.count);
    set('outOffset', (pair.rows.phase.first * plan.outWidth + pair.cols.phase.first) * 4);
    set('u', weights + pair.weightOffset * 4);
    set('uGroup', pair.groupLength * 4);
    set('btH', writeSparse(rt.BT, rt.n, rt.n));
    set('btW', writeSparse(ct.BT, ct.n, ct.n));
    set('atH', writeSparse(rt.AT, rt.m, rt.n));
    set('atW', writeSparse(ct.AT, ct.m, ct.n));
    set('tiles', pair.tiles);
    unitStart += pair.blocks * tiling.chunks;
  });
  if (bias) heap.f32(biasAt!, bias.length).set(bias);

  const units = plan.groups * tiling.unitsPerGroup;
  const fields: Partial<Record<keyof typeof JOB, number>> = {
    units,
    chunk: 1,
    unitsPerImageGroup: tiling.unitsPerGroup,
    input: paddedAt!,
    output: outputAt!,
    bias: bias ? biasAt! : 0,
    raw: rawAt!,
    padTop: tiling.padTop,
    padLeft: tiling.padLeft,
    mode: 2,
    workspace: workspaceAt!,
    wsBytes: tiling.workspaceBytes,
    cinG: plan.inChannelsPerGroup,
    wPairs: pairsAt!,
    wPairCount: pairs.length,
    wTileBlock: tiling.tileBlock,
    wCinPad: tiling.cinPad,
    wChunks: tiling.chunks,
    wChunkBlocks: tiling.chunkBlocks,
    wCoBlocks: tiling.coBlocks,
    wPixel: pixelBytes,
    wPadW: tiling.padWidth,
    wImage: imageBytes,
    wMOffset: tiling.productsOffset,
    wTmpOffset: tiling.scratchOffset,
    wPaddedBytes: plan.batch * imageBytes,
    wBatch: plan.batch,
  };
  writeJobFields(heap, ptr!, planFields(plan), fields);
  return { ptr: ptr!, raw: rawAt!, output: outputAt!, outputLength };
}
