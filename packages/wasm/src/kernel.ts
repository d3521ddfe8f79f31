import { KERNEL_BINARY, MAX_PAGES } from './kernel-binary.js';

/** The exports of `asm/kernel.ts`; `pad` and `run` take the address of a job struct. */
export interface KernelExports {
  /** Pads the job's input (calling thread only), releasing the workers waiting in `run`. */
  pad(job: number): void;
  /** Computes the job, sharing its work units with every other thread in `run`. */
  run(job: number): void;
  /** Whether the `count` floats at `ptr` are all finite (1) or not (0). */
  allFinite(ptr: number, count: number): number;
}

export interface Kernel {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  readonly shared: boolean;
  /** Whether the kernels use relaxed SIMD's fused multiply-add. */
  readonly relaxed: boolean;
}

const INITIAL_PAGES = 256; // 16 MiB

/** Whether this runtime can share a memory with workers. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether this runtime accepts relaxed SIMD (Chromium 114+, Node 22+; Node 20 behind
 * `--experimental-wasm-relaxed-simd`): validating the binary that uses it answers without running it.
 */
export function supportsRelaxedSimd(): boolean {
  return WebAssembly.validate(decodeBase64(KERNEL_BINARY.singleRelaxed));
}

/**
 * The Node command-line flags that turn relaxed SIMD on where the runtime has it behind a flag (Node 20),
 * for tools that start Node processes or set V8 flags before any module compiles; empty elsewhere.
 */
export function relaxedSimdNodeFlags(): string[] {
  const node = globalThis.process?.versions?.node;
  if (!node || supportsRelaxedSimd()) return [];
  return Number(node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
}

/** Compiles and instantiates the threaded (shared memory) or the single-threaded kernel. */
export async function instantiateKernel(shared: boolean, relaxed: boolean): Promise<Kernel> {
  const binary = shared
    ? relaxed
      ? KERNEL_BINARY.threadedRelaxed
      : KERNEL_BINARY.threaded
    : relaxed
      ? KERNEL_BINARY.singleRelaxed
      : KERNEL_BINARY.single;
  const module = await WebAssembly.compile(decodeBase64(binary));
  const memory = shared
    ? new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: INITIAL_PAGES });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { module, memory, exports: instance.exports as unknown as KernelExports, shared, relaxed };
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
