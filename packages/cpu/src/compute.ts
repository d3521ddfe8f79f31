import { isDepthwise, runDepthwiseUnit } from './depthwise.js';
import { type Buffers, runUnit } from './kernel.js';
import { releasePanelWeights } from './panel.js';
import { runWinogradUnit } from './winograd.js';
import type { WinogradWork } from './winograd-plan.js';
import type { Work } from './work.js';

/** A call's work on either path: the direct gather (`Work`) or Winograd tiles (`WinogradWork`). */
export type AnyWork = Work | WinogradWork;

/** Runs units `[begin, end)` of `work` on this thread. */
export function runUnits(work: AnyWork, buffers: Buffers, begin: number, end: number): void {
  const run = unitRunner(work);
  try {
    for (let u = begin; u < end; u++) run(buffers, u);
  } finally {
    releasePanelWeights();
  }
}

/**
 * Takes units from a shared counter until none is left: threads that run faster take more units,
 * which keeps all of them busy on a loaded machine. Returns how many units this thread computed.
 */
export function runSharedUnits(work: AnyWork, buffers: Buffers, counter: Int32Array): number {
  const run = unitRunner(work);
  let done = 0;
  try {
    for (let u = Atomics.add(counter, 0, 1); u < work.units; u = Atomics.add(counter, 0, 1)) {
      run(buffers, u);
      done++;
    }
  } finally {
    releasePanelWeights();
  }
  return done;
}

/** The kernel for `work`'s units: Winograd and depthwise layers have their own paths. */
function unitRunner(work: AnyWork): (buffers: Buffers, u: number) => void {
  if (work.kind === 'winograd') return (buffers, u) => runWinogradUnit(work, buffers, u);
  const unit = isDepthwise(work.plan) ? runDepthwiseUnit : runUnit;
  return (buffers, u) => unit(work, buffers, u);
}
