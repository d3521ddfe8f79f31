import type { Backend } from '@convt/core';
import { type BackendName, type CandidateOptions, PRIORITY, STARTERS, type Starter } from './candidates.js';

export interface AutoBackendOptions extends CandidateOptions {
  /** Backends to try first, in this order; the rest follow in the default priority. */
  readonly prefer?: BackendName | readonly BackendName[];
  /** Backends never to try. */
  readonly exclude?: readonly BackendName[];
}

export interface Attempt {
  readonly name: BackendName;
  readonly outcome: 'chosen' | 'failed' | 'excluded' | 'not tried';
  readonly reason: string;
}

/** Why the chosen backend was chosen and why each other one was passed over. */
export interface BackendChoice {
  readonly chosen: BackendName;
  readonly attempts: readonly Attempt[];
  /** One readable line, e.g. `wasm (2 threads); gpujs failed: no hardware GPU (...); cpu not tried`. */
  readonly summary: string;
}

export type ChosenBackend = Backend & { readonly choice: BackendChoice };

/** Thrown when no backend starts: lists every reason. */
export class NoBackendError extends Error {
  readonly attempts: readonly Attempt[];
  constructor(attempts: readonly Attempt[]) {
    super(`no convt backend could start here: ${summarize(attempts)}`);
    this.name = 'NoBackendError';
    this.attempts = attempts;
  }
}

/** Tries the backends in priority order and returns the first that starts, with the reasons. */
export async function chooseBackend(
  options: AutoBackendOptions = {},
  starters: Readonly<Record<BackendName, Starter>> = STARTERS,
): Promise<ChosenBackend> {
  const order = orderOf(options);
  const excluded = new Set(options.exclude ?? []);
  const attempts: Attempt[] = [];
  let chosen: Backend | null = null;
  let chosenName: BackendName | null = null;
  for (const name of order) {
    if (excluded.has(name)) {
      attempts.push({ name, outcome: 'excluded', reason: 'excluded by the caller' });
    } else if (chosen) {
      attempts.push({ name, outcome: 'not tried', reason: `${chosenName} was chosen first` });
    } else {
      try {
        chosen = await starters[name](options);
        chosenName = name;
        attempts.push({ name, outcome: 'chosen', reason: describe(chosen) });
      } catch (error) {
        attempts.push({
          name,
          outcome: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  if (!chosen || !chosenName) throw new NoBackendError(attempts);
  const choice: BackendChoice = { chosen: chosenName, attempts, summary: summarize(attempts) };
  const backend = chosen;
  return {
    name: backend.name,
    capabilities: backend.capabilities,
    choice,
    convTranspose2d: (input, weight, bias, convOptions) =>
      backend.convTranspose2d(input, weight, bias, convOptions),
    dispose: async () => {
      await backend.dispose?.();
    },
  };
}

function orderOf(options: AutoBackendOptions): BackendName[] {
  const prefer = options.prefer === undefined ? [] : ([] as BackendName[]).concat(options.prefer);
  for (const name of prefer) {
    if (!PRIORITY.includes(name)) {
      throw new Error(`prefer: unknown backend '${name}'; known: ${PRIORITY.join(', ')}`);
    }
  }
  for (const name of options.exclude ?? []) {
    if (!PRIORITY.includes(name))
      throw new Error(`exclude: unknown backend '${name}'; known: ${PRIORITY.join(', ')}`);
  }
  return [...new Set([...prefer, ...PRIORITY])];
}

function describe(backend: Backend): string {
  const caps = backend.capabilities;
  const facts = [`${caps.threads} thread${caps.threads === 1 ? '' : 's'}`, `dtypes ${caps.dtypes.join('/')}`];
  if (typeof caps.mode === 'string') facts.unshift(`mode ${caps.mode}`);
  if (caps.relaxedSimd === true) facts.push('relaxed SIMD');
  return facts.join(', ');
}

function summarize(attempts: readonly Attempt[]): string {
  return attempts
    .map((a) =>
      a.outcome === 'chosen' ? `${a.name} chosen (${a.reason})` : `${a.name} ${a.outcome}: ${a.reason}`,
    )
    .join('; ');
}
