import { ConvTransposeError } from '@convt/core';
import { GpujsBackend } from './backend.js';
import { type GpuLibrary, loadGpu } from './gpu-types.js';
import {
  AUTO_ORDER,
  errorMessage,
  type GpujsMode,
  isMode,
  modeError,
  type StartedGpu,
  startMode,
} from './modes.js';
import { DEFAULT_TILE_CELLS, MAX_TILE_CELLS } from './tiling.js';

export { GpujsBackend, type GpujsCallInfo, type GpujsCapabilities } from './backend.js';
export type { KernelClassName } from './gpu-types.js';
export { AUTO_ORDER, type GpujsMode } from './modes.js';
export { DEFAULT_TILE_CELLS, MAX_TILE_CELLS, planTiles, type Tile } from './tiling.js';

export interface GpujsBackendOptions {
  /** `'auto'` (default) starts the first mode of `AUTO_ORDER` that works here. */
  readonly mode?: 'auto' | GpujsMode;
  /** The most cells one launch may address (output, input slice, weight slice); default 2^22, at most 2^24. */
  readonly maxTileCells?: number;
  /** `webasm` only: worker threads (1 runs synchronously on the calling thread). Default: gpu.js's pool size. */
  readonly threads?: number;
}

/**
 * Starts gpu.js and returns a `Backend` on it. An explicit mode that cannot start rejects with a
 * `ConvTransposeError` (`NOT_SUPPORTED`) that gives the reason; `'auto'` rejects only when no mode
 * starts, listing every failure.
 */
export async function createBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend> {
  const mode = options.mode ?? 'auto';
  if (mode !== 'auto' && !isMode(mode)) {
    throw new ConvTransposeError({
      code: 'NOT_SUPPORTED',
      parameter: 'mode',
      value: mode,
      rule: `must be 'auto' or one of ${AUTO_ORDER.map((m) => `'${m}'`).join(', ')}`,
    });
  }
  const maxTileCells = options.maxTileCells ?? DEFAULT_TILE_CELLS;
  if (!Number.isInteger(maxTileCells) || maxTileCells < 1 || maxTileCells > MAX_TILE_CELLS) {
    throw new ConvTransposeError({
      code: 'INVALID_OPTION_TYPE',
      parameter: 'maxTileCells',
      value: maxTileCells,
      rule: `must be an integer in [1, ${MAX_TILE_CELLS}] (float32 indices are exact below 2^24)`,
    });
  }
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new ConvTransposeError({
      code: 'INVALID_OPTION_TYPE',
      parameter: 'threads',
      value: threads,
      rule: 'must be an integer >= 1',
    });
  }
  const lib = await loadGpu();
  const started = mode === 'auto' ? await startAuto(lib) : await startExplicit(lib, mode);
  const poolThreads = threads ?? defaultPoolSize();
  return new GpujsBackend(lib, started, {
    maxTileCells,
    threads: started.mode === 'webasm' ? poolThreads : 1,
    ...(started.mode === 'webasm' && threads ? { poolSize: threads } : {}),
  });
}

async function startExplicit(lib: GpuLibrary, mode: GpujsMode): Promise<StartedGpu> {
  try {
    return await startMode(lib, mode);
  } catch (error) {
    throw modeError(mode, errorMessage(error));
  }
}

async function startAuto(lib: GpuLibrary): Promise<StartedGpu> {
  const failures: string[] = [];
  for (const mode of AUTO_ORDER) {
    try {
      return await startMode(lib, mode);
    } catch (error) {
      failures.push(`${mode}: ${errorMessage(error)}`);
    }
  }
  throw modeError('auto', `no gpu.js mode started (${failures.join('; ')})`);
}

/** gpu.js's default webasm pool: one worker per core the runtime reports, 4 when it does not say. */
function defaultPoolSize(): number {
  const runtime = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (id: string) => { cpus?: () => unknown[] } | undefined };
  };
  const cores =
    runtime.navigator?.hardwareConcurrency ?? runtime.process?.getBuiltinModule?.('node:os')?.cpus?.().length;
  return cores && cores > 0 ? cores : 4;
}
