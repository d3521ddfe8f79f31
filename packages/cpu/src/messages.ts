import type { AnyWork } from './compute.js';
import type { Buffers } from './kernel.js';

/** What the main thread posts to a worker: one call's work, over shared memory. */
export interface JobMessage {
  readonly id: number;
  readonly work: AnyWork;
  readonly buffers: Buffers;
  /**
   * `counter[0]` is the next unit to take (shared by every thread of the call); a worker adds 1 to
   * `counter[1]` once it has computed its share without failing.
   */
  readonly counter: Int32Array;
}

/** A worker's answer: the units it computed, or why it failed. */
export type ReplyMessage =
  | { readonly id: number; readonly done: number }
  | { readonly id: number; readonly error: string };
