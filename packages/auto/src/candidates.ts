import type { Backend } from '@convt/core';

export type BackendName = 'gpujs' | 'wasm' | 'cpu';

/** Priority order: a real GPU, then WebAssembly SIMD, then plain TypeScript. */
export const PRIORITY: readonly BackendName[] = ['gpujs', 'wasm', 'cpu'];

export interface CandidateOptions {
  /** Worker threads for cpu and wasm; default: every core the runtime reports. */
  readonly threads?: number | undefined;
  /**
   * Accept a GPU path whose renderer is software (llvmpipe, SwiftShader) or does not say what it is
   * (headless-gl); default false. gpu.js's own CPU fallbacks are never taken.
   */
  readonly allowSoftwareGpu?: boolean | undefined;
}

/** Starts one backend, or throws with the reason it cannot run here. */
export type Starter = (options: CandidateOptions) => Promise<Backend>;

/**
 * Backends are imported lazily: a bundle that never needs the GPU path does not load it,
 * and a package that fails to load is reported like one that fails to start.
 */
export const STARTERS: Readonly<Record<BackendName, Starter>> = {
  async gpujs(options) {
    const { createBackend } = await import('@convt/gpujs');
    const backend = await createBackend({ mode: 'auto' });
    const gpu = describeGpu(backend);
    const accepted = gpu.kind === 'hardware' || (options.allowSoftwareGpu && gpu.kind !== 'cpu-fallback');
    if (!accepted) {
      await backend.dispose?.();
      throw new Error(`no hardware GPU (${gpu.detail}); wasm is faster there`);
    }
    return backend;
  },
  async wasm(options) {
    const { createBackend } = await import('@convt/wasm');
    return createBackend(options.threads === undefined ? {} : { threads: options.threads });
  },
  async cpu(options) {
    const { createBackend } = await import('@convt/cpu');
    return createBackend(options.threads === undefined ? {} : { threads: options.threads });
  },
};

export type GpuKind = 'hardware' | 'software' | 'unknown' | 'cpu-fallback';

/** Reads the gpujs backend's declared capabilities: which mode runs, on what renderer. */
export function describeGpu(backend: Backend): { kind: GpuKind; detail: string } {
  const caps = backend.capabilities;
  const mode = String(caps.mode ?? 'unknown');
  const renderer = typeof caps.renderer === 'string' && caps.renderer ? caps.renderer : 'an unnamed renderer';
  if (!['webgl', 'webgl2', 'webgpu', 'headlessgl'].includes(mode)) {
    return { kind: 'cpu-fallback', detail: `gpu.js fell back to its ${mode} mode` };
  }
  if (caps.hardwareAccelerated === true) return { kind: 'hardware', detail: `${mode} on ${renderer}` };
  if (caps.hardwareAccelerated === false)
    return { kind: 'software', detail: `${mode} on ${renderer}, a software renderer` };
  return { kind: 'unknown', detail: `${mode} on ${renderer}, which does not say whether it is a GPU` };
}
