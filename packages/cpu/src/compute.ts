import { isDepthwise, runDepthwiseUnit } from './depthwise.js';
import { type Buffers, runUnit } from './kernel.js';
import type { Work } from './work.js';

/** Runs units `[begin, end)` of `work` on this thread. */
export function runUnits(work: Work, buffers: Buffers, begin: number, end: number): void {
  const run = unitRunner(work);
  for (let u = begin; u < end; u++) run(work, buffers, u);
}

/**
 * Takes units from a shared counter until none is left: threads that run faster take more units,
 * which keeps all of them busy on a loaded machine. Returns how many units this thread computed.
 */
export function runSharedUnits(work: Work, buffers: Buffers, counter: Int32Array): number {
  const run = unitRunner(work);
  let done = 0;
  for (let u = Atomics.add(counter, 0, 1); u < work.units; u = Atomics.add(counter, 0, 1)) {
    run(work, buffers, u);
    done++;
  }
  return done;
}

/** The kernel for `work`'s units: depthwise layers have their own path. */
function unitRunner(work: Work): typeof runUnit {
  return isDepthwise(work.plan) ? runDepthwiseUnit : runUnit;
}
