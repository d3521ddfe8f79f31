import {
  type Backend,
  type BackendCapabilities,
  type CachedValue,
  type ConvTranspose2dOptions,
  type ConvTranspose2dPlan,
  checkBackendOptions,
  geometryKey,
  planCall,
  type Tensor,
  UNIT_ROUNDOFF,
  WeightCache,
} from '@convt/core';
import { type Col2imTiling, col2imTiling, packCol2imWeights, writeCol2imJob } from './col2im.js';
import { type Tiling, tile } from './geometry.js';
import { Heap } from './heap.js';
import { copyInput, copyInputByRows, type Job, writeJob } from './job.js';
import { canShareMemory, instantiateKernel, supportsRelaxedSimd } from './kernel.js';
import { type PackedLayout, packedLayout, packWeights } from './pack.js';
import { WorkerPool } from './pool.js';
import { writeWinogradJob } from './winograd-job.js';
import { packWinogradWeights } from './winograd-pack.js';
import { type WinogradTiling, winogradTiling } from './winograd-plan.js';

export interface WasmBackendOptions {
  /** Threads that compute, the caller's included; default: every core the runtime reports. */
  threads?: number;
  /**
   * Nominal flops below which a call runs on the calling thread alone (default 4e6, as in the cpu
   * backend; 0 sends every call to the workers): such a layer takes about 0.1 ms, and the calling
   * thread's own share (copies, allocating the output) leaves the workers little to save.
   */
  minParallelFlops?: number;
  /** Most bytes of packed weights kept in wasm memory; default 256 MiB. */
  weightCacheBytes?: number;
  /**
   * Use relaxed SIMD's fused multiply-add where the runtime has it (default `true`): about 1.5-2x the
   * throughput, and one rounding per product instead of two. `false` keeps the 128-bit SIMD kernels,
   * whose results are the same on every machine.
   */
  relaxedSimd?: boolean;
  /**
   * Whether layers whose output phases are small dense correlations (k4 s2 p1 decoders, k3 s1, with
   * enough channels; see the README) take Winograd tiles (default `true`): fewer multiplies, results
   * within the conformance bound but not the direct kernels' bit for bit. `false` keeps them direct.
   */
  winograd?: boolean;
}

export interface WasmBackend extends Backend {
  readonly capabilities: BackendCapabilities & {
    readonly simd: true;
    /** Whether the kernels run with relaxed SIMD (fused multiply-add). */
    readonly relaxedSimd: boolean;
    /** Whether dense 2- and 3-tap phases with enough channels take Winograd tiles. */
    readonly winograd: boolean;
    readonly sharedMemory: boolean;
    readonly kernel: string;
  };
  /** Drops the packed copy of a weight edited in place (see the README on weight caching). */
  forget(weight: Tensor): void;
  dispose(): Promise<void>;
}

const NAME = 'wasm';

/** Geometries whose path is kept (a model has a few dozen layers at most). */
const ROUTES_KEPT = 64;

/** The threads a call of `flops` nominal flops runs on: all of them, or 1 below `minParallelFlops`. */
export function callThreads(flops: number, threads: number, minParallelFlops: number): number {
  return flops >= minParallelFlops ? threads : 1;
}

/** The paths a geometry can take, in order of preference; the direct tiling is made when first needed. */
interface Route {
  readonly winograd: WinogradTiling | null;
  readonly col2im: Col2imTiling | null;
  direct(): { readonly tiling: Tiling; readonly layout: PackedLayout };
}

function chooseRoute(plan: ConvTranspose2dPlan, useWinograd: boolean, threads: number): Route {
  let direct: { tiling: Tiling; layout: PackedLayout } | undefined;
  return {
    winograd: useWinograd ? winogradTiling(plan, threads) : null,
    col2im: col2imTiling(plan),
    direct() {
      if (!direct) {
        const tiling = tile(plan);
        direct = { tiling, layout: packedLayout(plan, tiling) };
      }
      return direct;
    },
  };
}

/**
 * Creates the WebAssembly SIMD backend. With more than one thread it needs `SharedArrayBuffer`
 * (Node, or a cross-origin-isolated page); without it, it computes on the calling thread.
 */
export async function createBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  checkBackendOptions(options);
  const requested = options.threads ?? (await reportedCores());
  const shared = requested > 1 && canShareMemory();
  const threads = shared ? requested : 1;
  const relaxed = (options.relaxedSimd ?? true) && supportsRelaxedSimd();
  const kernel = await instantiateKernel(shared, relaxed);
  const pool = threads > 1 ? await WorkerPool.start(kernel, threads - 1) : null;
  const minParallelFlops = options.minParallelFlops ?? 4e6;
  /** The threads a layer runs on: a function of its geometry only, so its path is too. */
  const threadsFor = (plan: ConvTranspose2dPlan) => callThreads(plan.flops, threads, minParallelFlops);
  const heap = new Heap(kernel.memory);
  // Packed weights live in wasm memory: an evicted entry gives its block back to the heap.
  // A packing that fails (non-finite weights on the Winograd path) keeps no memory: `ptr` 0.
  const cache = new WeightCache<number>(options.weightCacheBytes ?? 256 * 2 ** 20, (ptr) => {
    if (ptr) heap.release(ptr);
  });
  const packInHeap = (
    data: Float32Array,
    key: string,
    floats: number,
    pack: (out: Float32Array) => boolean,
  ) =>
    cache.get(data, key, floats * 4, () => {
      const ptr = heap.alloc(floats * 4);
      if (pack(heap.f32(ptr, floats))) return ptr;
      heap.release(ptr);
      return 0;
    });
  const useWinograd = options.winograd ?? true;
  // Choosing a layer's path (Winograd's transforms and cost model, col2im's row groups, the direct
  // tiling) takes tens of microseconds, as much as a small layer's kernel: once per geometry.
  const routes = new Map<string, Route>();
  const routeFor = (plan: ConvTranspose2dPlan): Route => {
    const key = geometryKey(plan);
    let route = routes.get(key);
    if (route === undefined) {
      if (routes.size >= ROUTES_KEPT) routes.clear();
      route = chooseRoute(plan, useWinograd, threadsFor(plan));
      routes.set(key, route);
    }
    return route;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  /**
   * Packs the weights (or finds them cached), writes the job of the path that suits the layer and
   * copies the input into it.
   */
  function writeCallJob(
    plan: ConvTranspose2dPlan,
    input: Float32Array,
    weightData: Float32Array,
    bias: Float32Array | null,
  ) {
    const planeLength = plan.inHeight * plan.inWidth;
    const used = threadsFor(plan);
    const { winograd, col2im, direct } = routeFor(plan);
    if (winograd) {
      const weights = packInHeap(weightData, winograd.weightKey, winograd.weightLength, (out) =>
        packWinogradWeights(plan, winograd, weightData, out),
      );
      if (weights.value) {
        const job = writeWinogradJob(heap, {
          plan,
          tiling: winograd,
          weights: weights.value,
          bias,
          threads: used,
        });
        copyInput(heap, job, input, planeLength);
        // A transform would spread an infinity or NaN over its whole tile: such calls stay direct.
        // (The Winograd job's raw input is packed back to back, so it is checked in one sweep.)
        if (kernel.exports.allFinite(job.raw, input.length)) return { job, weights, byRows: false };
        heap.release(job.ptr);
        if (!weights.kept) heap.release(weights.value);
      }
    }
    let written: { job: Job; weights: CachedValue<number> };
    if (col2im) {
      const weights = packInHeap(weightData, col2im.weightKey, col2im.weightLength, (out) => {
        packCol2imWeights(plan, col2im, weightData, out);
        return true;
      });
      // With workers the input is copied in once they run, row band by row band (`copyInputByRows`).
      const byRows = used > 1;
      const job = writeCol2imJob(heap, {
        plan,
        tiling: col2im,
        weights: weights.value,
        bias,
        threads: used,
        inputByRows: byRows,
      });
      if (byRows) return { job, weights, byRows };
      written = { job, weights };
    } else {
      const { tiling, layout } = direct();
      const weights = packInHeap(weightData, tiling.weightKey, layout.length, (out) => {
        packWeights(plan, tiling, layout, weightData, out);
        return true;
      });
      written = {
        job: writeJob(heap, { plan, tiling, layout, weights: weights.value, bias, threads: used }),
        weights,
      };
    }
    copyInput(heap, written.job, input, planeLength);
    return { ...written, byRows: false };
  }

  async function compute(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | null | undefined,
    opts?: ConvTranspose2dOptions,
  ) {
    const { plan } = planCall(input, weight, bias, opts, ['float32'], NAME);
    if (disposed) throw new Error('@convt/wasm: the backend was disposed');
    const outputLength = plan.batch * plan.outputImageSize;
    if (outputLength === 0) return { shape: plan.outputShape, data: new Float32Array(0) };
    const { job, weights, byRows } = writeCallJob(
      plan,
      input.data as Float32Array,
      weight.data as Float32Array,
      (bias?.data as Float32Array | undefined) ?? null,
    );
    try {
      let data = new Float32Array(0);
      // The result must be a fresh array, and the first write to each of its pages faults the page in,
      // which takes as long as the kernel on small layers: with workers, do it while they compute.
      const allocate = () => {
        data = new Float32Array(job.outputLength);
        touchPages(data);
      };
      if (pool && threadsFor(plan) > 1) {
        await pool.run(job.ptr, () => {
          if (byRows) copyInputByRows(heap, job, input.data as Float32Array, plan);
          allocate();
        });
      } else {
        kernel.exports.pad(job.ptr);
        kernel.exports.run(job.ptr);
        allocate();
      }
      // A copy by `set`: `slice` on a view of wasm memory is many times slower in V8.
      data.set(heap.f32(job.output, job.outputLength));
      return { shape: plan.outputShape, data };
    } finally {
      heap.release(job.ptr);
      // Weights larger than the cache's budget were packed for this call only.
      if (!weights.kept && weights.value) heap.release(weights.value);
    }
  }

  return {
    name: NAME,
    capabilities: {
      dtypes: ['float32'],
      precision: { float32: UNIT_ROUNDOFF.float32 },
      threads,
      simd: true,
      relaxedSimd: relaxed,
      winograd: useWinograd,
      sharedMemory: shared,
      kernel:
        'implicit GEMM per output phase, f32x4, 4 channels x 8 pixels (1 x 16 for one channel per group); ' +
        'GEMM then col2im for 1-3 output channels per group; ' +
        'Winograd F(m x m, r x r) tiles for dense 2- and 3-tap phases with enough channels',
    },
    convTranspose2d(input, weight, bias, opts) {
      // One call at a time: calls share the memory's scratch space and the workers.
      const result = queue.then(() => compute(input, weight, bias, opts));
      queue = result.catch(() => undefined);
      return result;
    },
    forget(weight) {
      if (weight.data instanceof Float32Array) cache.forget(weight.data);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      cache.clear();
      await pool?.terminate();
    },
  };
}

/** Writes one value per 4 KiB page, so that the kernel maps the pages now rather than during the copy. */
function touchPages(data: Float32Array): void {
  for (let i = 0; i < data.length; i += 1024) data[i] = 0;
}

async function reportedCores(): Promise<number> {
  if (typeof process !== 'undefined' && process.versions?.node) {
    const specifier = 'node:os';
    const os = (await import(
      /* @vite-ignore */ /* webpackIgnore: true */ specifier
    )) as typeof import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}
