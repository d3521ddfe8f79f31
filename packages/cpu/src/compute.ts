import { type Buffers, runUnit } from './kernel.js';
import type { Work } from './work.js';

/** Runs units `[begin, end)` of `work` on this thread. */
export function runUnits(work: Work, buffers: Buffers, begin: number, end: number): void {
  for (let u = begin; u < end; u++) runUnit(work, buffers, u);
}

/**
 * Takes units from a shared counter until none is left: threads that run faster take more units,
 * which keeps all of them busy on a loaded machine. Returns how many units this thread computed.
 */
export function runSharedUnits(work: Work, buffers: Buffers, counter: Int32Array): number {
  let done = 0;
  for (let u = Atomics.add(counter, 0, 1); u < work.units; u = Atomics.add(counter, 0, 1)) {
    runUnit(work, buffers, u);
    done++;
  }
  return done;
}
