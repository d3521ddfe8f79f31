import type { ConvTranspose2dPlan } from '@convt/core';
import type { Tiling } from './geometry.js';
import type { Heap } from './heap.js';
import { JOB, JOB_BYTES, PHASE, PHASE_BYTES } from './layout.js';
import { offsetCount, type PackedLayout, packBias, phaseOffsets } from './pack.js';

/** Claims per thread a job is cut into: small enough to balance, large enough to be cheap. */
const CLAIMS_PER_THREAD = 16;

/** A job written into wasm memory: one allocation holding the struct and all per-call buffers. */
export interface Job {
  readonly ptr: number;
  /** Where the caller copies the raw NCHW input. */
  readonly raw: number;
  /** Floats from one input plane to the next at `raw`, when not packed back to back. */
  readonly rawPlaneStride?: number;
  readonly output: number;
  readonly outputLength: number;
}

export interface JobInputs {
  readonly plan: ConvTranspose2dPlan;
  readonly tiling: Tiling;
  readonly layout: PackedLayout;
  readonly weights: number;
  readonly bias: Float32Array | null;
  readonly threads: number;
}

/** Allocates and fills a job; release it with `heap.release(job.ptr)`. */
export function writeJob(heap: Heap, { plan, tiling, layout, weights, bias, threads }: JobInputs): Job {
  const { phases, mr, coBlocks, padTop, padLeft, padHeight, padWidth } = tiling;
  const planes = plan.batch * plan.inChannels;
  // No tap reads outside the input (k2 s2 p0, U-Net's up-sampling): the caller copies each plane
  // straight to its padded place, and there is nothing left to pad.
  const inPlace = padTop === 0 && padLeft === 0 && padWidth === plan.inWidth && padHeight === plan.inHeight;
  const rawLength = inPlace ? 0 : planes * plan.inHeight * plan.inWidth;
  const paddedLength = planes * tiling.planeStride;
  const outputLength = plan.batch * plan.outputImageSize;
  const biasLength = bias ? plan.groups * coBlocks * mr : 0;
  const offsetsLength = phases.reduce((sum, _, p) => sum + offsetCount(plan, tiling, p), 0);

  // One block: struct, phase records, offsets, bias, raw input, padded input, output.
  const [ptr, phasesAt, offsetsAt, biasAt, copiedAt, paddedAt, outputAt] = allocateJob(heap, [
    JOB_BYTES,
    phases.length * PHASE_BYTES,
    offsetsLength * 4,
    biasLength * 4,
    rawLength * 4,
    paddedLength * 4,
    outputLength * 4,
  ]);

  const rawAt = inPlace ? paddedAt : copiedAt;
  let offset = offsetsAt!;
  let unitStart = 0;
  const records = heap.i32(phasesAt!, phases.length * (PHASE_BYTES / 4));
  phases.forEach((phase, p) => {
    const r = (p * PHASE_BYTES) / 4;
    records[r + PHASE.unitStart / 4] = unitStart;
    records[r + PHASE.rowCount / 4] = phase.rows.count;
    records[r + PHASE.colCount / 4] = phase.cols.count;
    records[r + PHASE.k / 4] = phase.k;
    records[r + PHASE.offsets / 4] = offset;
    records[r + PHASE.weights / 4] = weights + layout.phaseOffsets[p]! * 4;
    records[r + PHASE.weightsGroupStride / 4] = layout.groupStrides[p]! * 4;
    records[r + PHASE.outOffset / 4] = (phase.rows.first * plan.outWidth + phase.cols.first) * 4;
    // A partner phase is computed by its even phase's units: it has none of its own.
    const rowUnits = phase.partnerOf === null ? Math.ceil(phase.rows.count / phase.rowsPerUnit) : 0;
    records[r + PHASE.rowUnits / 4] = rowUnits;
    records[r + PHASE.rowsPerUnit / 4] = phase.rowsPerUnit;
    records[r + PHASE.partner / 4] = phase.partner === null ? 0 : phasesAt! + phase.partner * PHASE_BYTES;
    records[r + PHASE.taps / 4] = phase.rows.taps.length * phase.cols.taps.length;
    const entries = offsetCount(plan, tiling, p);
    phaseOffsets(plan, tiling, p, heap.i32(offset, entries));
    offset += entries * 4;
    unitStart += coBlocks * rowUnits;
  });
  if (bias) packBias(plan, tiling, bias, heap.f32(biasAt!, biasLength));

  const units = plan.batch * plan.groups * unitStart;
  const fields: Partial<Record<keyof typeof JOB, number>> = {
    units,
    chunk: Math.max(1, Math.floor(units / (threads * CLAIMS_PER_THREAD))),
    counter: 0,
    unitsPerImageGroup: unitStart,
    phaseCount: phases.length,
    phases: phasesAt!,
    input: paddedAt!,
    inImageStride: plan.inChannels * tiling.planeStride * 4,
    inGroupStride: plan.inChannelsPerGroup * tiling.planeStride * 4,
    inRowStride: padWidth * 4,
    output: outputAt!,
    outRowStride: plan.outWidth * 4,
    mr,
    bias: bias ? biasAt! : 0,
    coBlocks,
    raw: rawAt!,
    planes: inPlace ? 0 : planes,
    padH: padHeight,
    padTop,
    padLeft,
    inPlaneStride: tiling.planeStride * 4,
    rowMajor: tiling.rowMajor ? 1 : 0,
    cinG: plan.inChannelsPerGroup,
  };
  writeJobFields(heap, ptr!, planFields(plan), fields);
  return {
    ptr: ptr!,
    raw: rawAt!,
    rawPlaneStride: inPlace ? tiling.planeStride : undefined,
    output: outputAt!,
    outputLength,
  };
}

/** Copies the NCHW input to the job's `raw` buffer, plane by plane when planes are spaced out. */
export function copyInput(heap: Heap, job: Job, input: Float32Array, planeLength: number): void {
  const stride = job.rawPlaneStride;
  if (stride === undefined || stride === planeLength) {
    heap.f32(job.raw, input.length).set(input);
    return;
  }
  const planes = input.length / planeLength;
  const raw = heap.f32(job.raw, (planes - 1) * stride + planeLength);
  for (let c = 0; c < planes; c++) {
    raw.set(input.subarray(c * planeLength, (c + 1) * planeLength), c * stride);
  }
}

/** `rowsReady` of a job whose input is all in place (the largest i32). */
export const ALL_ROWS = 0x7fffffff;

/** Bands of input rows per call that a col2im job's input is released in (see `copyInputByRows`). */
const ROW_BANDS = 4;

/**
 * Copies a col2im job's input in image by image and, within an image, in bands of rows (every
 * plane's rows of the band), publishing after each band how many (image, row) pairs are in place:
 * the workers, already running, start on the first rows instead of waiting for the whole copy. The
 * job's `rowsReady` ends at `ALL_ROWS` even if the copy fails, so that no worker waits forever.
 */
export function copyInputByRows(heap: Heap, job: Job, input: Float32Array, plan: ConvTranspose2dPlan): void {
  const ready = heap.i32(job.ptr + JOB.rowsReady, 1);
  try {
    const { inHeight: rows, inWidth: width, inChannels: planes } = plan;
    const stride = job.rawPlaneStride ?? rows * width;
    const raw = heap.f32(job.raw, plan.batch * planes * stride);
    const band = Math.ceil(rows / Math.max(1, Math.ceil(ROW_BANDS / plan.batch)));
    for (let n = 0; n < plan.batch; n++) {
      for (let r = 0; r < rows; r += band) {
        const end = Math.min(rows, r + band);
        for (let c = 0; c < planes; c++) {
          const from = ((n * planes + c) * rows + r) * width;
          raw.set(input.subarray(from, from + (end - r) * width), (n * planes + c) * stride + r * width);
        }
        Atomics.store(ready, 0, n * rows + end);
      }
    }
  } finally {
    Atomics.store(ready, 0, ALL_ROWS);
  }
}

/**
 * Allocates one block holding buffers of these byte sizes, each 16-byte aligned and followed by 16
 * bytes of slack (vector loads at the end of a buffer stay inside the block); returns their addresses,
 * the first being the block's (release it with `heap.release`).
 */
export function allocateJob(heap: Heap, sizes: readonly number[]): number[] {
  const starts: number[] = [];
  let total = 0;
  for (const size of sizes) {
    starts.push(total);
    total += Math.ceil(size / 16) * 16 + 16;
  }
  const ptr = heap.alloc(total);
  return starts.map((s) => ptr + s);
}

/** The fields every mode reads the same way: the groups, the raw input's size, the output's strides. */
export function planFields(plan: ConvTranspose2dPlan): Partial<Record<keyof typeof JOB, number>> {
  return {
    groups: plan.groups,
    inH: plan.inHeight,
    inW: plan.inWidth,
    coutG: plan.outChannelsPerGroup,
    outImageStride: plan.outputImageSize * 4,
    outPlane: plan.outHeight * plan.outWidth * 4,
    rowStep: plan.stride[0] * plan.outWidth * 4,
    colStep: plan.stride[1] * 4,
  };
}

/**
 * Writes a job struct at `ptr`: the fields of each part, every other one 0 (counters, flags, other
 * modes). Parts rather than one spread object: an object built by spreading goes to V8's slow
 * dictionary mode, and filling it cost more than a small layer's padding.
 */
export function writeJobFields(
  heap: Heap,
  ptr: number,
  ...parts: Partial<Record<keyof typeof JOB, number>>[]
): void {
  const struct = heap.i32(ptr, JOB_BYTES / 4);
  struct.fill(0);
  for (const part of parts) {
    for (const name in part) struct[JOB[name as keyof typeof JOB] / 4] = part[name as keyof typeof JOB]!;
  }
}
