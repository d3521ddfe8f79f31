import type { AxisPlan } from '@convt/core';

/** A padding entry's input start lies so far below 0 that its range check always fails. */
const NO_TAP_START = -(2 ** 24);

/** One axis's tap table: `[k, inputStart]` for each phase and tap slot, padded to `width` slots. */
export interface TapTable {
  readonly data: Float32Array;
  /** Tap slots per phase: the most taps any phase has (at least 1, so the loop bound is positive). */
  readonly width: number;
}

/** Lays out the plan's per-phase taps (core's phase decomposition) as a table the kernel indexes. */
export function tapTable(axis: AxisPlan): TapTable {
  const width = Math.max(1, ...axis.phases.map((phase) => phase.taps.length));
  const data = new Float32Array(axis.phases.length * width * 2);
  axis.phases.forEach((phase, p) => {
    for (let slot = 0; slot < width; slot++) {
      const tap = phase.taps[slot];
      const at = (p * width + slot) * 2;
      data[at] = tap?.k ?? 0;
      data[at + 1] = tap?.inputStart ?? NO_TAP_START;
    }
  });
  return { data, width };
}
