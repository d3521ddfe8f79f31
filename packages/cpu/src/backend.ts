import {
  allocate,
  type Backend,
  type BackendCapabilities,
  type ConvTranspose2dOptions,
  type ConvTranspose2dPlan,
  checkBackendOptions,
  DTYPES,
  geometryKey,
  planCall,
  type Tensor,
  WeightCache,
} from '@convt/core';
import { type AnyWork, runSharedUnits, runUnits } from './compute.js';
import { allFinite } from './finite.js';
import type { Buffers } from './kernel.js';
import { packLayer } from './layout.js';
import { WorkerPool } from './pool.js';
import { reportedCores, sharedMemoryAvailable } from './runtime.js';
import { type Data, toShared } from './shared.js';
import { packWinograd } from './winograd-pack.js';
import { planWinograd, type WinogradWork } from './winograd-plan.js';
import { planWork, type Work } from './work.js';

/** A geometry's cut on the direct path and, for float32, on the Winograd path (null: not taken). */
interface Route {
  readonly direct: Work;
  readonly winograd: WinogradWork | null;
}

/** Geometries whose route is kept (a model has a few dozen layers at most). */
const ROUTES_KEPT = 64;

/**
 * A layer's weights packed for the kernels (see `Layout`) or transformed for the Winograd path, and
 * whether they are all finite.
 */
interface PackedWeights {
  readonly packed: Float64Array | Float32Array;
  readonly finite: boolean;
}

export interface CpuBackendOptions {
  /** Threads to compute with, the calling thread included; default: every core the runtime reports. */
  readonly threads?: number;
  /**
   * Nominal flops below which a call runs on the calling thread alone, since waking workers costs
   * more than it saves on tiny layers. Default 4e6; 0 sends every call to the workers.
   */
  readonly minParallelFlops?: number;
  /**
   * Most bytes of packed weights kept between calls (float64, about 2× the float32 weights);
   * default 256 MiB, 0 keeps none. See the README on weight caching.
   */
  readonly weightCacheBytes?: number;
  /**
   * Whether float32 layers whose output phases are small dense correlations (k4 s2 p1, k9 s3 and the
   * like, where a cost model rates Winograd tiles cheaper; see the README) take the Winograd path;
   * default true. Its results differ from the reference's by the transforms' float64 rounding, far
   * below float32's resolution (almost always the same float32 values); false keeps every call
   * bit-identical to the reference.
   */
  readonly winograd?: boolean;
}

export interface CpuBackend extends Backend {
  readonly capabilities: BackendCapabilities & { readonly sharedMemory: boolean; readonly kernel: string };
  /** Drops the packed copies of a weight edited in place (see the README on weight caching). */
  forget(weight: Tensor): void;
  /** Stops the workers and drops the packed weights. */
  dispose(): Promise<void>;
}

/**
 * Creates the pure-TypeScript backend. Workers start on the first call that can use them and stop
 * on `dispose()`. Without shared memory (a page that is not cross-origin isolated) it runs on one thread.
 */
export async function createBackend(options: CpuBackendOptions = {}): Promise<CpuBackend> {
  const {
    threads: requested,
    minParallelFlops = 4e6,
    weightCacheBytes = 256 * 2 ** 20,
    winograd: winogradEnabled = true,
  } = options;
  checkBackendOptions(options);
  const sharedMemory = sharedMemoryAvailable();
  const threads = sharedMemory ? (requested ?? Math.max(1, await reportedCores())) : 1;
  let pool: Promise<WorkerPool> | null = null;
  // Packed weights live in shared memory when workers may read them.
  const cache = new WeightCache<PackedWeights>(weightCacheBytes);
  const buffer = (bytes: number) => (threads > 1 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const packInto = (length: number, pack: (packed: Float64Array) => boolean): PackedWeights => {
    const packed = new Float64Array(buffer(length * 8));
    return { packed, finite: pack(packed) };
  };
  const transformInto = (work: WinogradWork, weights: Data): PackedWeights => {
    const bytes = buffer(transformedBytes(work));
    const packed = work.float32Weights ? new Float32Array(bytes) : new Float64Array(bytes);
    return { packed, finite: packWinograd(work, weights, packed) };
  };

  // Choosing the Winograd form and tiles (transforms built for each candidate, a cost model) takes
  // hundreds of microseconds, a tenth of a small layer's time: once per geometry and thread count.
  const routes = new Map<string, Route>();
  const routeFor = (plan: ConvTranspose2dPlan, float32: boolean, used: number): Route => {
    const key = `${geometryKey(plan)}|${float32}|${used}`;
    let route = routes.get(key);
    if (route === undefined) {
      if (routes.size >= ROUTES_KEPT) routes.clear();
      const winograd = winogradEnabled && float32 ? planWinograd(plan, used) : null;
      route = { direct: planWork(plan, used), winograd };
      routes.set(key, route);
    }
    return route;
  };

  // Starts the pool on first use, and again after a worker died.
  const workers = async (): Promise<WorkerPool> => {
    const current = pool && (await pool.catch(() => null));
    if (current && !current.broken) return current;
    if (current) void current.terminate();
    pool = WorkerPool.start(threads - 1);
    return pool;
  };

  return {
    name: 'cpu',
    capabilities: {
      dtypes: DTYPES,
      // Every product and sum is a float64 (JS number) operation; float32 is rounded once, on store,
      // except on the Winograd path, whose largest transformed weights are kept as float32.
      precision: { float32: winogradEnabled ? 2 ** -24 : 2 ** -53, float64: 2 ** -53 },
      threads,
      sharedMemory,
      kernel:
        'output-phase gather: register-blocked channel tiles; Winograd tiles for dense float32 phases; dedicated depthwise rows',
    },

    async convTranspose2d(
      input: Tensor,
      weight: Tensor,
      bias?: Tensor | null,
      options?: ConvTranspose2dOptions,
    ): Promise<Tensor> {
      const { plan, dtype } = planCall(input, weight, bias, options, DTYPES, 'cpu');
      const size = plan.batch * plan.outputImageSize;
      const parallel = threads > 1 && plan.flops >= minParallelFlops;
      const used = parallel ? threads : 1;
      const { direct, winograd } = routeFor(plan, dtype === 'float32', used);
      let work: AnyWork = direct;
      let weights: PackedWeights | null = null;
      // Winograd needs finite data (a transform would spread an infinity or NaN across its tile), and
      // transformed weights the cache can keep: building them costs several calls' time.
      if (
        winograd &&
        transformedBytes(winograd) <= weightCacheBytes &&
        allFinite(input.data, 0, input.data.length)
      ) {
        const transformed = cache.get(weight.data, winograd.key, transformedBytes(winograd), () =>
          transformInto(winograd, weight.data),
        ).value;
        if (transformed.finite) [work, weights] = [winograd, transformed];
      }
      if (weights === null) {
        const { layout } = direct;
        weights = cache.get(weight.data, layout.key, layout.length * 8, () =>
          packInto(layout.length, (into) => packLayer(plan, layout, weight.data, into)),
        ).value;
      }
      const { packed, finite } = weights;
      if (!parallel) {
        const out = allocate(dtype, size);
        runUnits(work, { x: input.data, packed, finite, b: bias?.data ?? null, out }, 0, work.units);
        return { shape: plan.outputShape, data: out };
      }
      const pool = await workers();
      const buffers: Buffers = {
        x: toShared(input.data),
        packed,
        finite,
        b: bias ? toShared(bias.data) : null,
        out: sharedArray(dtype === 'float64', size),
      };
      const counter = new Int32Array(new SharedArrayBuffer(8));
      const others = pool.run({ work, buffers, counter });
      runSharedUnits(work, buffers, counter);
      // The workers' replies reach this thread through its event loop, which wakes late: when every
      // worker has counted itself done, the output is complete (a failure is never counted).
      if (workersDone(counter, pool.size)) others.catch(() => {});
      else await others;
      return { shape: plan.outputShape, data: buffers.out };
    },

    forget(weight: Tensor) {
      cache.forget(weight.data);
    },

    async dispose() {
      cache.clear();
      const current = pool;
      pool = null;
      const started = current && (await current.catch(() => null));
      if (started) await started.terminate();
    },
  };
}

/** Bytes of `work`'s transformed weights. */
function transformedBytes(work: WinogradWork): number {
  return work.length * (work.float32Weights ? 4 : 8);
}

/** How long the calling thread watches for the workers to finish before it awaits their replies. */
const SPIN_MS = 0.5;

/** Whether `workers` threads count themselves done in `counter[1]` within `SPIN_MS`. */
function workersDone(counter: Int32Array, workers: number): boolean {
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(counter, 1) < workers) if (performance.now() >= until) return false;
  return true;
}

function sharedArray(float64: boolean, length: number): Data {
  return float64
    ? new Float64Array(new SharedArrayBuffer(length * 8))
    : new Float32Array(new SharedArrayBuffer(length * 4));
}
