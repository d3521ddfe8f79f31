/**
 * The slice of gpu.js's runtime surface this package uses. gpu.js's own typings predate its
 * `webasm`/`webgpu` modes and `asyncMode`, so the package states what it relies on here.
 */
export interface GpuKernelSettings {
  readonly output: readonly number[];
  readonly constants: Readonly<Record<string, number>>;
  /** Helper function sources (gpu.js accepts strings as well as functions). */
  readonly functions: readonly string[];
  readonly precision: 'single';
  readonly tactic: 'precision';
  readonly asyncMode: boolean;
  readonly loopMaxIterations: number;
  readonly poolSize?: number;
}

export interface GpuKernel {
  (...args: unknown[]): Float32Array | Promise<Float32Array>;
  /** The kernel instance that ran last; gpu.js swaps it on a fallback. */
  readonly kernel?: object;
  destroy?(removeCanvasReferences?: boolean): void;
}

export interface GpuInstance {
  readonly mode: string;
  createKernel(source: string, settings: GpuKernelSettings): GpuKernel;
  destroy(): Promise<void> | void;
}

export interface GpuConstructor {
  new (settings: { mode: string }): GpuInstance;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebGL2Supported: boolean;
  readonly isWebGLSupported: boolean;
  readonly isWebGPUSupported: boolean;
  readonly isWebAssemblySupported: boolean;
  isWebGPUAvailable(): Promise<boolean>;
}

/** gpu.js's kernel classes, most specific first (HeadlessGLKernel and WebGL2Kernel extend WebGLKernel). */
export const KERNEL_CLASSES = [
  'HeadlessGLKernel',
  'WebGL2Kernel',
  'WebGLKernel',
  'WebGPUKernel',
  'WebAssemblyKernel',
  'CPUKernel',
] as const;
export type KernelClassName = (typeof KERNEL_CLASSES)[number];

/** gpu.js's exports: the `GPU` class and its kernel classes (the browser build hangs them on `GPU`). */
export type GpuLibrary = { readonly GPU: GpuConstructor } & Readonly<
  Record<KernelClassName, abstract new (...args: never[]) => unknown>
>;

/** Loads gpu.js on demand, so importing this package has no side effect (gpu.js probes GL on load). */
export async function loadGpu(): Promise<GpuLibrary> {
  const mod = (await import('gpu.js')) as unknown as Partial<GpuLibrary> & { default?: Partial<GpuLibrary> };
  const lib = mod.default?.GPU ? mod.default : mod;
  if (!lib.GPU || KERNEL_CLASSES.some((name) => typeof lib[name] !== 'function')) {
    throw new Error('gpu.js did not load: expected GPU and its kernel classes among its exports');
  }
  return lib as GpuLibrary;
}

/** The class of the kernel instance that actually ran (gpu.js may swap it on a fallback). */
export function kernelClassOf(lib: GpuLibrary, kernel: GpuKernel): KernelClassName | 'unknown' {
  const instance = kernel.kernel;
  return KERNEL_CLASSES.find((name) => instance instanceof lib[name]) ?? 'unknown';
}
