import type { Backend } from '@convt/core';
import type { Case } from '../workloads.js';
import { FLOAT32_ROUNDOFF, type Prepared, type Runner } from './types.js';

type BackendModule = { createBackend(options?: object): Promise<Backend> };

/**
 * Starts a convt backend from its package. The import is dynamic so that a backend that is not built
 * (or fails to load) makes that runner unavailable instead of breaking the benchmarks' build.
 */
export async function convtRunner(pkg: string, options: object): Promise<Runner> {
  let mod: Partial<BackendModule>;
  try {
    mod = (await import(pkg)) as Partial<BackendModule>;
  } catch (error) {
    if (
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' &&
      String(error).includes(pkg.slice(1))
    ) {
      throw new Error(`${pkg} is not built`);
    }
    throw error;
  }
  if (typeof mod.createBackend !== 'function') throw new Error(`${pkg} does not export createBackend yet`);
  return backendRunner(await mod.createBackend(options));
}

export function backendRunner(backend: Backend): Runner {
  const caps = backend.capabilities ?? { dtypes: [], precision: {}, threads: 1 };
  const { dtypes, precision, ...details } = caps;
  if (dtypes && !dtypes.includes('float32')) throw new Error(`${backend.name} does not compute float32`);
  return {
    unitRoundoff: precision?.float32 ?? FLOAT32_ROUNDOFF,
    details: { name: backend.name, ...details },
    async prepare(c: Case): Promise<Prepared> {
      return {
        async run() {
          return (await backend.convTranspose2d(c.input, c.weight, c.bias, c.options)).data;
        },
      };
    },
    dispose: () => backend.dispose?.(),
  };
}
