/**
 * Byte offsets of the job struct and of one phase record, as `asm/kernel.ts` reads them.
 * Every field is an i32; pointers and strides are in bytes.
 */
export const JOB = {
  units: 0,
  chunk: 4,
  counter: 8,
  groups: 12,
  unitsPerImageGroup: 16,
  phaseCount: 20,
  phases: 24,
  input: 28,
  inImageStride: 32,
  inGroupStride: 36,
  inRowStride: 40,
  output: 44,
  outImageStride: 48,
  outRowStride: 52,
  outPlane: 56,
  coutG: 60,
  mr: 64,
  bias: 68,
  rowStep: 72,
  colStep: 76,
  coBlocks: 80,
  raw: 84,
  planes: 88,
  inH: 92,
  inW: 96,
  padH: 100,
  padTop: 104,
  padLeft: 108,
  inPlaneStride: 112,
  rowMajor: 116,
  padded: 120,
  // Col2im jobs only (see src/col2im.ts).
  mode: 124,
  slots: 128,
  workspace: 132,
  wsBytes: 136,
  wsRow: 140,
  gemmSteps: 144,
  cinG: 148,
  rowGroups: 152,
  rowGroupCount: 156,
  wsChannel: 160,
  // Winograd jobs only (see src/winograd-job.ts).
  wPairs: 164,
  wPairCount: 168,
  wTileBlock: 172,
  wCinPad: 176,
  wChunks: 180,
  wChunkBlocks: 184,
  wCoBlocks: 188,
  wPixel: 192,
  wPadW: 196,
  wImage: 200,
  wMOffset: 204,
  wTmpOffset: 208,
  wPaddedBytes: 212,
  wBatch: 216,
  // Col2im jobs: input rows (image-major) copied in so far; units wait for the rows they read.
  rowsReady: 220,
} as const;
export const JOB_BYTES = 224;

/** A Winograd pair record: one (row phase, column phase) pair and its tiles (see asm/layout.ts). */
export const WINOGRAD_PAIR = {
  unitStart: 0,
  nh: 4,
  nw: 8,
  mh: 12,
  mw: 16,
  row0: 20,
  col0: 24,
  tilesH: 28,
  tilesW: 32,
  rows: 36,
  cols: 40,
  outOffset: 44,
  u: 48,
  uGroup: 52,
  btH: 56,
  btW: 60,
  atH: 64,
  atW: 68,
  tiles: 72,
} as const;
export const WINOGRAD_PAIR_BYTES = 80;

/** Bytes per row of a sparse transform matrix: a count, then up to 8 (column, coefficient) pairs. */
export const SPARSE_ROW_BYTES = 68;
export const SPARSE_ROW_TERMS = 8;

/** A col2im row group record: the kernel rows that read one input row offset (one GEMM). */
export const ROW_GROUP = {
  start: 0,
  weights: 4,
  weightsGroupStride: 8,
  blocks: 12,
  ws: 16,
  rows: 20,
} as const;
export const ROW_GROUP_BYTES = 32;

export const PHASE = {
  unitStart: 0,
  rowCount: 4,
  colCount: 8,
  k: 12,
  offsets: 16,
  weights: 20,
  weightsGroupStride: 24,
  outOffset: 28,
  rowUnits: 32,
  rowsPerUnit: 36,
  partner: 40,
  taps: 44,
} as const;
export const PHASE_BYTES = 48;

/**
 * The worker pool's control words (i32 indices), at a fixed address below the heap's first block:
 * the generation workers sleep on, the job to run, whether it is still open to workers, how many
 * workers are inside it, and flags.
 */
export const CONTROL = { generation: 0, job: 1, inside: 2, stop: 3, failed: 4, open: 5 } as const;
export const CONTROL_ADDRESS = 16;
export const CONTROL_WORDS = 8;
