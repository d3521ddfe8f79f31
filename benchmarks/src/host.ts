/**
 * A child process that hosts one runner. Each backend and peer lives in its own process so that
 * global state (onnxruntime-web's thread count, tfjs's active backend, the convt worker pools) cannot
 * leak between them, a crash costs one runner only, and `maxRSS` is the runner's own peak memory.
 * The parent drives it by IPC; every time is taken here, around the call alone.
 */
import { RUNNERS } from './peers/registry.js';
import { type Prepared, type Runner, Unsupported } from './peers/types.js';
import { makeCase, type Workload } from './workloads.js';

export type HostRequest =
  | { op: 'init' }
  | { op: 'prepare'; workload: Workload; seed: number }
  | { op: 'run'; reps: number; warmupMs: number }
  | { op: 'release' };

export interface InitReply {
  initMs: number;
  unitRoundoff: number;
  details: Record<string, unknown>;
  baselineRssKiB: number;
}
export interface PrepareReply {
  prepareMs: number;
  firstMs: number;
  output: Float32Array | Float64Array;
}
export interface RunReply {
  times: number[];
}
export interface ReleaseReply {
  maxRssKiB: number;
}

export type HostReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string; unsupported: boolean };

const baselineRssKiB = process.resourceUsage().maxRSS;
/** Untimed calls after the first, for this long... */
const SETTLE_IN_MS = 100;
/** ... unless the first call took this long: such runners (naive loops) are slow, not cold. */
const SETTLE_IN_SKIP_MS = 1000;

const spec = RUNNERS.find((r) => r.id === process.argv[2]);
let runner: Runner | undefined;
let prepared: Prepared | undefined;

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'init': {
      if (!spec) throw new Error(`no runner ${process.argv[2]}`);
      const start = performance.now();
      runner = await spec.create();
      const initMs = performance.now() - start;
      return {
        initMs,
        unitRoundoff: runner.unitRoundoff,
        details: runner.details,
        baselineRssKiB,
      } satisfies InitReply;
    }
    case 'prepare': {
      if (!runner) throw new Error('not initialised');
      const c = makeCase(request.workload, request.seed);
      let start = performance.now();
      prepared = await runner.prepare(c);
      const prepareMs = performance.now() - start;
      start = performance.now();
      const raw = await prepared.run();
      const firstMs = performance.now() - start;
      // Untimed calls once, before any timed turn: the engines tier hot code up (JavaScript to
      // optimised code, wasm from baseline to optimised) over the first tens of calls.
      if (firstMs < SETTLE_IN_SKIP_MS) {
        for (start = performance.now(); performance.now() - start < SETTLE_IN_MS; ) await prepared.run();
      }
      const output = prepared.toNchw ? prepared.toNchw(raw) : raw;
      return { prepareMs, firstMs, output } satisfies PrepareReply;
    }
    case 'run': {
      if (!prepared) throw new Error('nothing prepared');
      // Untimed calls first, for at least `warmupMs` (at least one call when it is above 0).
      for (const start = performance.now(); performance.now() - start < request.warmupMs; ) {
        await prepared.run();
      }
      const times: number[] = [];
      for (let i = 0; i < request.reps; i++) {
        const start = performance.now();
        await prepared.run();
        times.push(performance.now() - start);
      }
      return { times } satisfies RunReply;
    }
    case 'release': {
      await prepared?.dispose?.();
      prepared = undefined;
      return { maxRssKiB: process.resourceUsage().maxRSS } satisfies ReleaseReply;
    }
  }
}

process.on('message', (message: HostRequest & { id: number }) => {
  handle(message).then(
    (value) => process.send!({ id: message.id, ok: true, value } satisfies HostReply),
    (error: unknown) =>
      process.send!({
        id: message.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        unsupported: error instanceof Unsupported,
      } satisfies HostReply),
  );
});
process.on('disconnect', () => process.exit(0));
