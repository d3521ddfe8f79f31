import { ConvTransposeError, UNIT_ROUNDOFF } from '@convt/core';
import {
  type GpuConstructor,
  type GpuInstance,
  type GpuLibrary,
  type KernelClassName,
  kernelClassOf,
} from './gpu-types.js';
import { identifyRenderer, type RendererInfo } from './renderer.js';

export type GpujsMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webgpu' | 'webasm' | 'cpu';

/** What `auto` tries, best first: GPU modes, then gpu.js's WebAssembly and JavaScript fallbacks. */
export const AUTO_ORDER: readonly GpujsMode[] = ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'];

const KERNEL_CLASS: Readonly<Record<GpujsMode, KernelClassName>> = {
  headlessgl: 'HeadlessGLKernel',
  webgl2: 'WebGL2Kernel',
  webgl: 'WebGLKernel',
  webgpu: 'WebGPUKernel',
  webasm: 'WebAssemblyKernel',
  cpu: 'CPUKernel',
};

/**
 * Unit roundoff of each mode's float32 accumulation. GLSL does not require correctly rounded
 * float arithmetic (truncating hardware exists), so GL modes declare one bit less: 2^-23.
 * WGSL, WebAssembly and the JavaScript fallback round to nearest.
 */
export const MODE_PRECISION: Readonly<Record<GpujsMode, number>> = {
  headlessgl: 2 * UNIT_ROUNDOFF.float32,
  webgl2: 2 * UNIT_ROUNDOFF.float32,
  webgl: 2 * UNIT_ROUNDOFF.float32,
  webgpu: UNIT_ROUNDOFF.float32,
  webasm: UNIT_ROUNDOFF.float32,
  cpu: UNIT_ROUNDOFF.float32,
};

const HINTS: Partial<Record<GpujsMode, string>> = {
  headlessgl: "needs the optional 'gl' package (built from source) and an X server: run under `xvfb-run -a`",
  webgl2: 'needs a browser with WebGL2',
  webgl: 'needs a browser with WebGL',
  webgpu: 'needs a WebGPU adapter (in Chromium: --enable-unsafe-webgpu)',
};

/** gpu.js's own static support check per mode, and what its failure means. */
const SUPPORT: Readonly<Record<GpujsMode, [(gpu: GpuConstructor) => boolean, string]>> = {
  headlessgl: [(g) => g.isHeadlessGLSupported, 'headless-gl could not create a GL context'],
  webgl2: [(g) => g.isWebGL2Supported, 'no WebGL2 context'],
  webgl: [(g) => g.isWebGLSupported, 'no WebGL context'],
  webgpu: [(g) => g.isWebGPUSupported, 'no navigator.gpu'],
  webasm: [(g) => g.isWebAssemblySupported, 'no WebAssembly'],
  cpu: [() => true, ''],
};

export function isMode(value: unknown): value is GpujsMode {
  return typeof value === 'string' && value in KERNEL_CLASS;
}

export interface StartedGpu extends RendererInfo {
  readonly gpu: GpuInstance;
  readonly mode: GpujsMode;
  readonly kernelClass: KernelClassName;
}

/**
 * Starts gpu.js in `mode` and proves it: a probe kernel must run on that mode's kernel class
 * (gpu.js would otherwise fall back to its CPU kernel without a word) and return the right numbers.
 */
export async function startMode(lib: GpuLibrary, mode: GpujsMode): Promise<StartedGpu> {
  const [supported, missing] = SUPPORT[mode];
  if (!supported(lib.GPU)) throw new Error(missing);
  if (mode === 'webgpu' && !(await lib.GPU.isWebGPUAvailable())) {
    throw new Error('no WebGPU adapter answered');
  }
  const gpu = new lib.GPU({ mode });
  try {
    const probe = gpu.createKernel('function probe(x) { return x[this.thread.x] * 2 + 1; }', {
      output: [4],
      constants: {},
      functions: [],
      precision: 'single',
      tactic: 'precision',
      asyncMode: true,
      loopMaxIterations: 1,
    });
    const result = await probe(new Float32Array([0, 1, 2, 3]));
    const ran = kernelClassOf(lib, probe);
    if (ran !== KERNEL_CLASS[mode]) throw new Error(`gpu.js ran ${ran} instead of ${KERNEL_CLASS[mode]}`);
    if (![1, 3, 5, 7].every((v, i) => result[i] === v)) {
      throw new Error(`probe kernel returned [${Array.from(result)}] instead of [1, 3, 5, 7]`);
    }
    return { gpu, mode, kernelClass: ran, ...(await identifyRenderer(mode, probe)) };
  } catch (error) {
    await gpu.destroy();
    throw error;
  }
}

/** The error an explicit mode that cannot start rejects with. */
export function modeError(mode: string, reason: string): ConvTransposeError {
  const hint = isMode(mode) && HINTS[mode] ? ` (${HINTS[mode]})` : '';
  return new ConvTransposeError({
    code: 'NOT_SUPPORTED',
    parameter: 'mode',
    value: mode,
    rule: `cannot start here: ${reason}${hint}`,
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
