import type { Backend } from '@convt/core';

/** One column of the matrix: a backend package started with one set of options. */
export interface Target {
  /** Column label and `--backend` name, e.g. `cpu:1`, `gpujs:webasm`. */
  readonly label: string;
  /** The package to import, or `@convt/core` for the reference. */
  readonly specifier: string;
  readonly options?: Record<string, unknown>;
  /** Runs the quick sweep even without `--quick`: the backend is too slow for the full one. */
  readonly quick?: boolean;
  /** Why the target cannot start here, found without trying (e.g. no X display); null when it may. */
  readonly precondition?: () => string | null;
}

export type Started =
  | { readonly target: Target; readonly status: 'ready'; readonly backend: Backend }
  | { readonly target: Target; readonly status: 'unavailable'; readonly reason: string };

/** Every backend convt ships, in the order of the matrix' columns. */
export const TARGETS: readonly Target[] = [
  { label: 'reference', specifier: '@convt/core' },
  { label: 'cpu:1', specifier: '@convt/cpu', options: { threads: 1 } },
  { label: 'cpu:auto', specifier: '@convt/cpu' },
  { label: 'wasm:1', specifier: '@convt/wasm', options: { threads: 1 } },
  { label: 'wasm:auto', specifier: '@convt/wasm' },
  // The 128-bit SIMD kernels, which runtimes without relaxed SIMD run (the columns above use it here).
  { label: 'wasm:1:simd128', specifier: '@convt/wasm', options: { threads: 1, relaxedSimd: false } },
  { label: 'wasm:auto:simd128', specifier: '@convt/wasm', options: { relaxedSimd: false } },
  {
    label: 'gpujs:headlessgl',
    specifier: '@convt/gpujs',
    options: { mode: 'headlessgl' },
    precondition: () => (process.env.DISPLAY ? null : 'no X display (run under xvfb-run -a)'),
  },
  { label: 'gpujs:webasm', specifier: '@convt/gpujs', options: { mode: 'webasm' } },
  // gpu.js' cpu mode interprets the kernel in JavaScript: correct but slow.
  { label: 'gpujs:cpu', specifier: '@convt/gpujs', options: { mode: 'cpu' }, quick: true },
];

/**
 * Picks targets by `--backend` names: a full label (`cpu:1`) or a package name (`cpu`, `gpujs`).
 * Unknown names are an error, so a typo does not pass as an empty matrix.
 */
export function selectTargets(names: readonly string[]): Target[] {
  if (names.length === 0) return [...TARGETS];
  const family = (t: Target) => t.label.split(':')[0];
  const unknown = names.filter((n) => !TARGETS.some((t) => t.label === n || family(t) === n));
  if (unknown.length > 0) {
    const known = [...new Set(TARGETS.flatMap((t) => [family(t), t.label]))].join(', ');
    throw new Error(`unknown backend ${unknown.join(', ')}; known: ${known}`);
  }
  return TARGETS.filter((t) => names.includes(t.label) || names.includes(family(t)!));
}

/**
 * Turns on relaxed SIMD where Node has it behind a flag (Node 20), so that the wasm columns test the
 * kernels current runtimes run. V8 reads the flag when a module compiles: call before any target starts.
 */
export async function enableRelaxedSimd(): Promise<void> {
  try {
    const specifier = '@convt/wasm';
    const wasm = (await import(specifier)) as { relaxedSimdNodeFlags(): string[] };
    const { setFlagsFromString } = await import('node:v8');
    for (const flag of wasm.relaxedSimdNodeFlags()) setFlagsFromString(flag);
  } catch {
    // No wasm package built: its columns report that themselves.
  }
}

/** Imports and starts a target; any failure becomes "unavailable" with its reason, never a crash. */
export async function startTarget(target: Target, timeoutMs = 120_000): Promise<Started> {
  const unavailable = (reason: string): Started => ({ target, status: 'unavailable', reason });
  const blocked = target.precondition?.();
  if (blocked) return unavailable(blocked);
  let module: Record<string, unknown>;
  try {
    // A variable specifier: the matrix builds even while a backend package does not.
    const specifier = target.specifier;
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && /\/dist\//.test(firstLine(error).split(' imported from')[0]!)) {
      return unavailable(`${target.specifier} is not built (its dist/ is missing)`);
    }
    return unavailable(`cannot load ${target.specifier}: ${firstLine(error)}`);
  }
  const create = module.createBackend;
  if (typeof create !== 'function') return unavailable(`${target.specifier} does not export createBackend`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const backend = (await Promise.race([
      create(target.options),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`createBackend did not settle in ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ])) as Backend;
    if (backend == null || typeof backend.convTranspose2d !== 'function') {
      return unavailable(`${target.specifier} createBackend returned no backend`);
    }
    return { target, status: 'ready', backend };
  } catch (error) {
    return unavailable(firstLine(error));
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim() || String(error);
}
