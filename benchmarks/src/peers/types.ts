import type { Case } from '../workloads.js';

/** How a backend computes, for "ratio to the fastest peer of the same kind". */
export type Kind = 'js' | 'wasm' | 'native' | 'gpu';

/** One workload made ready to run: weights packed, sessions built. */
export interface Prepared {
  /** One call, input to output; the output is NCHW like the reference. */
  run(): Promise<Float32Array | Float64Array>;
  /** Turns `run`'s output into NCHW for the correctness check, outside the timing (NHWC peers). */
  toNchw?(output: Float32Array | Float64Array): Float32Array | Float64Array;
  dispose?(): void | Promise<void>;
}

/** A started backend or peer. */
export interface Runner {
  /** Unit roundoff of its float32 arithmetic, for the correctness bound. */
  readonly unitRoundoff: number;
  /** Facts worth recording (threads actually used, SIMD, kernel class). */
  readonly details: Record<string, unknown>;
  /** Throws `Unsupported` when the workload is outside what it can compute. */
  prepare(c: Case): Promise<Prepared>;
  dispose?(): void | Promise<void>;
}

export interface RunnerSpec {
  readonly id: string;
  readonly label: string;
  readonly kind: Kind;
  /** A library convt is compared with (as opposed to a convt backend). */
  readonly peer: boolean;
  /** Workloads above this many flops are skipped: the runner is too slow for them. */
  readonly maxFlops?: number;
  /** Needs an X display: started under `xvfb-run -a` when there is none and xvfb-run is installed. */
  readonly needsDisplay?: boolean;
  /** Throws when the runner cannot start here; the message becomes "unavailable: ...". */
  create(): Promise<Runner>;
}

/** Thrown by `prepare` for a workload the runner does not support. */
export class Unsupported extends Error {}

export const FLOAT32_ROUNDOFF = 2 ** -24;
