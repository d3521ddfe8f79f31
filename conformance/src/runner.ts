import type { Backend, BackendCapabilities } from '@convt/core';
import type { CaseKind, ConformanceCase, ConvParams } from './cases.js';
import type { Verdict } from './check.js';
import { runErrorCase, runOutputCase } from './execute.js';
import { generateCases } from './generate.js';

export interface ConformanceOptions {
  /** About 60 computing cases instead of several hundred, for slow backends. */
  readonly quick?: boolean;
  /** Runs only the cases whose name contains this string or matches this pattern. */
  readonly filter?: string | RegExp;
  /** Called after each case. */
  readonly onProgress?: (done: number, total: number, name: string) => void;
  /** Fails a case that has not settled after this many milliseconds (a hung kernel), and goes on. */
  readonly timeoutMs?: number;
}

export interface CaseResult {
  readonly name: string;
  readonly kind: CaseKind;
  /** Whether the case must compute an output or end in an error. */
  readonly expects: 'output' | 'error';
  /** The parameters of a computing case; for an error case, the code it expects. */
  readonly params: ConvParams | { readonly code: string };
  /** Matrix rows this case counts in. */
  readonly tags: readonly string[];
  readonly passed: boolean;
  readonly maxError?: number;
  readonly bound?: number;
  readonly message?: string;
  readonly ms: number;
}

export interface Tally {
  readonly total: number;
  readonly passed: number;
}

export interface ConformanceReport {
  readonly backend: string;
  /** What the backend declared; the bounds were derived from its `precision`. */
  readonly capabilities: BackendCapabilities | undefined;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  /** Cases that must compute the reference's output. */
  readonly valid: Tally;
  /** Cases that must end in a `ConvTransposeError`. */
  readonly invalid: Tally;
  readonly results: readonly CaseResult[];
  readonly failures: readonly CaseResult[];
  readonly ms: number;
}

/** Runs every case on `backend`, one after another, and reports each; never throws for a failing case. */
export async function runConformance(
  backend: Backend,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const started = performance.now();
  const dtypes = backend.capabilities?.dtypes ?? ['float32'];
  const cases = generateCases({ quick: options.quick ?? false, dtypes }).filter((c) =>
    matches(c.name, options.filter),
  );
  const results: CaseResult[] = [];
  for (const c of cases) {
    results.push(await runCase(backend, c, options.timeoutMs));
    options.onProgress?.(results.length, cases.length, c.name);
  }
  return summarize(backend, results, performance.now() - started);
}

/** Runs one case; an unexpected exception fails the case, not the run. */
export async function runCase(backend: Backend, c: ConformanceCase, timeoutMs?: number): Promise<CaseResult> {
  const started = performance.now();
  let verdict: Verdict;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const run = c.expects === 'output' ? runOutputCase(backend, c) : runErrorCase(backend, c);
    const timeout = new Promise<never>((_, reject) => {
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => reject(new Error(`did not settle within ${timeoutMs} ms`)), timeoutMs);
      }
    });
    verdict = await Promise.race([run, timeout]);
  } catch (error) {
    verdict = {
      passed: false,
      message: `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
  return {
    name: c.name,
    kind: c.kind,
    expects: c.expects,
    params: c.expects === 'output' ? c.params : { code: c.code },
    tags: c.tags,
    ...verdict,
    ms: performance.now() - started,
  };
}

export function summarize(backend: Backend, results: readonly CaseResult[], ms: number): ConformanceReport {
  const tally = (expects: 'output' | 'error'): Tally => {
    const group = results.filter((r) => r.expects === expects);
    return { total: group.length, passed: group.filter((r) => r.passed).length };
  };
  const failures = results.filter((r) => !r.passed);
  return {
    backend: backend.name,
    capabilities: backend.capabilities,
    total: results.length,
    passed: results.length - failures.length,
    failed: failures.length,
    valid: tally('output'),
    invalid: tally('error'),
    results,
    failures,
    ms,
  };
}

function matches(name: string, filter: string | RegExp | undefined): boolean {
  if (filter === undefined || filter === '') return true;
  if (typeof filter === 'string') return name.includes(filter);
  filter.lastIndex = 0; // a /g pattern keeps state between calls
  return filter.test(name);
}
