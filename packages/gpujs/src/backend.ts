import {
  type Backend,
  type BackendCapabilities,
  type ConvTranspose2dOptions,
  type ConvTranspose2dPlan,
  planCall,
  sizeOf,
  type Tensor,
} from '@convt/core';
import type { GpuLibrary, KernelClassName } from './gpu-types.js';
import { kernelClassOf } from './gpu-types.js';
import { KernelCache, type KernelConstants } from './kernel-cache.js';
import { type GpujsMode, MODE_PRECISION, type StartedGpu } from './modes.js';
import { biasSlice, inputSlice, weightSlice, writeTile } from './slices.js';
import { type TapTable, tapTable } from './taps.js';
import { planTiles, type Tile } from './tiling.js';

export interface GpujsCapabilities extends BackendCapabilities {
  /** The gpu.js mode that started. */
  readonly mode: GpujsMode;
  /** The gpu.js kernel class that runs the kernels, e.g. `HeadlessGLKernel`. */
  readonly kernelClass: KernelClassName;
  /** The renderer behind the mode, e.g. `ANGLE (Mesa, llvmpipe ...)` or `gpu.js webasm mode`. */
  readonly renderer: string;
  /** `true` on a GPU, `false` on a software renderer or CPU mode, `null` when the renderer is hidden. */
  readonly hardwareAccelerated: boolean | null;
  /** The most cells one launch may have in its output, input slice or weight slice. */
  readonly maxTileCells: number;
  readonly kernel: 'output-phase gather';
}

/** What the last call did: how many launches (tiles), how many kernels it compiled, and where. */
export interface GpujsCallInfo {
  readonly tiles: number;
  readonly compiledKernels: number;
  readonly kernelClass: KernelClassName | 'unknown';
}

export class GpujsBackend implements Backend {
  readonly name: string;
  readonly capabilities: GpujsCapabilities;
  private readonly cache: KernelCache;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private last: GpujsCallInfo | null = null;

  constructor(
    private readonly lib: GpuLibrary,
    private readonly started: StartedGpu,
    settings: { readonly maxTileCells: number; readonly threads: number; readonly poolSize?: number },
  ) {
    this.name = `gpujs-${started.mode}`;
    this.capabilities = {
      dtypes: ['float32'],
      precision: { float32: MODE_PRECISION[started.mode] },
      threads: settings.threads,
      mode: started.mode,
      kernelClass: started.kernelClass,
      renderer: started.renderer,
      hardwareAccelerated: started.hardwareAccelerated,
      maxTileCells: settings.maxTileCells,
      kernel: 'output-phase gather',
    };
    // Threads: gpu.js runs webasm kernels on its worker pool only under the async contract.
    this.cache = new KernelCache(started.gpu, {
      asyncMode: !(started.mode === 'webasm' && settings.threads === 1),
      ...(settings.poolSize ? { poolSize: settings.poolSize } : {}),
    });
  }

  /** What the last completed call did; `null` before the first. */
  get lastCall(): GpujsCallInfo | null {
    return this.last;
  }

  /** Kernels compiled since the backend started (one per distinct launch shape). */
  get compiledKernels(): number {
    return this.cache.compiled;
  }

  /** Compiled kernels held now (the least recently used beyond 32 are released). */
  get cachedKernels(): number {
    return this.cache.size;
  }

  async convTranspose2d(
    input: Tensor,
    weight: Tensor,
    bias?: Tensor | null,
    options?: ConvTranspose2dOptions,
  ): Promise<Tensor> {
    const { plan } = planCall(input, weight, bias, options, ['float32'], this.name);
    if (this.disposed) throw new Error(`the ${this.name} backend was disposed`);
    // One call at a time: gpu.js kernels reuse their output buffers between calls.
    const run = this.queue.then(() =>
      this.compute(
        plan,
        input.data as Float32Array,
        weight.data as Float32Array,
        (bias?.data as Float32Array) ?? null,
      ),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compute(
    plan: ConvTranspose2dPlan,
    input: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
  ): Promise<Tensor> {
    const out = new Float32Array(sizeOf(plan.outputShape));
    if (out.length === 0) return { shape: plan.outputShape, data: out };
    const rowTaps = tapTable(plan.rows);
    const colTaps = tapTable(plan.cols);
    const tiles = planTiles(plan, this.capabilities.maxTileCells);
    const compiledBefore = this.cache.compiled;
    let kernelClass: KernelClassName | 'unknown' = this.capabilities.kernelClass;
    for (const tile of tiles) {
      const cells = tileCells(plan, tile);
      const { kernel } = this.cache.get(kernelConstants(plan, tile, rowTaps, colTaps), cells, [
        rowTaps.data.length,
        colTaps.data.length,
      ]);
      const result = await kernel(
        exact(inputSlice(plan, input, tile)),
        exact(weightSlice(plan, weight, tile)),
        exact(biasSlice(bias, tile)),
        rowTaps.data,
        colTaps.data,
        new Float32Array([tile.rows[0], tile.inRows[0]]),
      );
      kernelClass = kernelClassOf(this.lib, kernel);
      if (kernelClass !== this.capabilities.kernelClass) {
        throw new Error(`gpu.js ran ${kernelClass} instead of ${this.capabilities.kernelClass}`);
      }
      if (!(result instanceof Float32Array) || result.length < cells) {
        throw new Error(`gpu.js returned ${describe(result)} for a launch of ${cells} cells`);
      }
      writeTile(plan, out, result, tile);
    }
    this.last = { tiles: tiles.length, compiledKernels: this.cache.compiled - compiledBefore, kernelClass };
    return { shape: plan.outputShape, data: out };
  }

  /** Releases every compiled kernel, its textures or buffers, worker pools and the GL/WebGPU context. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    this.cache.clear();
    await this.started.gpu.destroy();
  }
}

function tileCells(plan: ConvTranspose2dPlan, tile: Tile): number {
  const span = (r: readonly [number, number]) => r[1] - r[0];
  return span(tile.batch) * span(tile.channels) * span(tile.rows) * plan.outWidth;
}

/** The kernel's constants for one tile; the same geometry gives the same values, in the same order. */
function kernelConstants(
  plan: ConvTranspose2dPlan,
  tile: Tile,
  rowTaps: TapTable,
  colTaps: TapTable,
): KernelConstants {
  return {
    outWidth: plan.outWidth,
    tileRows: tile.rows[1] - tile.rows[0],
    tileChannels: tile.channels[1] - tile.channels[0],
    tileChannelsPerGroup: tile.channelsPerGroup,
    strideH: plan.stride[0],
    strideW: plan.stride[1],
    inHeight: plan.inHeight,
    inWidth: plan.inWidth,
    inRows: tile.inRows[1] - tile.inRows[0],
    inChannelsSlice: tile.inChannels[1] - tile.inChannels[0],
    inPerGroup: plan.inChannelsPerGroup,
    kernelH: plan.kernelHeight,
    kernelW: plan.kernelWidth,
    rowTaps: rowTaps.width,
    colTaps: colTaps.width,
  };
}

/** A view that owns its whole buffer, because some gpu.js upload paths read `array.buffer` from offset 0. */
function exact(view: Float32Array): Float32Array {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : view.slice();
}

function describe(value: unknown): string {
  if (value instanceof Float32Array) return `${value.length} values`;
  return value?.constructor?.name ?? String(value);
}
