import type { GpuInstance, GpuKernel } from './gpu-types.js';
import { CONV_TRANSPOSE_SOURCE, DIV_FLOOR_SOURCE } from './kernel-source.js';

/** The compile-time facts of one launch shape: the kernel's constants and its output length. */
export type KernelConstants = Readonly<Record<string, number>>;

/**
 * Compiled kernels keyed by their constants. The key is the constants' values in a fixed order
 * (about 18 numbers): a call with the same geometry reuses the compiled kernel. The least recently
 * used kernel beyond `capacity` is destroyed, because each holds a GL program and textures (or, on
 * webasm, its own worker pool).
 */
export class KernelCache {
  private readonly kernels = new Map<string, GpuKernel>();
  /** Kernels compiled so far (cache misses). */
  compiled = 0;

  constructor(
    private readonly gpu: GpuInstance,
    private readonly settings: { readonly asyncMode: boolean; readonly poolSize?: number },
    private readonly capacity = 32,
  ) {}

  /**
   * The kernel for `constants` and `cells` outputs, and whether this call compiled it. `tableLengths`
   * joins the key because gpu.js silently recompiles a kernel whose argument sizes change.
   */
  get(
    constants: KernelConstants,
    cells: number,
    tableLengths: readonly number[],
  ): { kernel: GpuKernel; compiled: boolean } {
    const key = `${cells}:${Object.values(constants).join(',')}:${tableLengths.join(',')}`;
    const cached = this.kernels.get(key);
    if (cached) {
      this.kernels.delete(key);
      this.kernels.set(key, cached);
      return { kernel: cached, compiled: false };
    }
    if (this.kernels.size >= this.capacity) this.evictOldest();
    const kernel = this.gpu.createKernel(CONV_TRANSPOSE_SOURCE, {
      output: [cells],
      constants,
      functions: [DIV_FLOOR_SOURCE],
      precision: 'single',
      tactic: 'precision',
      asyncMode: this.settings.asyncMode,
      // Every loop is bounded by a constant; this makes gpu.js's own cap no smaller than any of them.
      loopMaxIterations: Math.max(constants.rowTaps!, constants.colTaps!, constants.inPerGroup!),
      ...(this.settings.poolSize ? { poolSize: this.settings.poolSize } : {}),
    });
    this.kernels.set(key, kernel);
    this.compiled++;
    return { kernel, compiled: true };
  }

  get size(): number {
    return this.kernels.size;
  }

  clear(): void {
    this.kernels.clear();
  }

  private evictOldest(): void {
    const [key, kernel] = this.kernels.entries().next().value as [string, GpuKernel];
    this.kernels.delete(key);
    kernel.destroy?.(false);
  }
}
