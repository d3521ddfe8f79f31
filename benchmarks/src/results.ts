import type { CheckResult } from './check.js';
import type { Machine } from './machine.js';
import type { Kind } from './peers/types.js';
import type { Summary } from './stats.js';

export type CellStatus = 'ok' | 'wrong' | 'unsupported' | 'skipped' | 'unavailable' | 'error';

/** One backend or peer on one workload. */
export interface Cell {
  readonly workload: string;
  readonly backend: string;
  status: CellStatus;
  reason?: string;
  /** Per-workload setup outside any call: ONNX session creation, tfjs weight upload (0 when none). */
  prepareMs?: number;
  /** The first call: compilation, weight packing, worker warm-up. */
  firstMs?: number;
  check?: CheckResult;
  /** Steady state: every call after the first. */
  stats?: Summary;
  gflops?: number;
  /** GFLOP/s over the best peer's of the same kind on this workload (js, wasm; none for gpu). */
  vsKind?: number;
  /** GFLOP/s over the best onnxruntime-node's: native code, for context. */
  vsNative?: number;
}

export interface BackendResult {
  readonly id: string;
  readonly label: string;
  readonly kind: Kind;
  readonly peer: boolean;
  status: 'ok' | 'unavailable';
  reason?: string;
  /** Import and start-up: module load, wasm compilation, worker pool. */
  initMs?: number;
  details?: Record<string, unknown>;
  /** Peak resident memory of its process, on `workload` (the largest run), and before anything loaded. */
  memory?: { workload: string; peakMiB: number; baselineMiB: number };
}

export interface WorkloadInfo {
  readonly name: string;
  readonly flops: number;
  /** e.g. `[1,512,4,4] -> [1,256,8,8] k=4 s=2 p=1`. */
  readonly description: string;
}

export interface Results {
  readonly schema: 1;
  readonly machine: Machine;
  readonly settings: { quick: boolean; cellBudgetMs: number; minRuns: number; maxRuns: number; seed: number };
  readonly wallSeconds: number;
  readonly workloads: readonly WorkloadInfo[];
  readonly backends: readonly BackendResult[];
  readonly cells: readonly Cell[];
}

/** Four significant digits are plenty, and keep the committed file small. */
function round(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(4)) : value;
}

/** The results file: top-level fields one per line, each workload, backend and cell on one line (diffable). */
export function resultsJson(r: Results): string {
  const line = (value: unknown) => JSON.stringify(value, round);
  const list = (items: readonly unknown[]) => `[\n${items.map((item) => `  ${line(item)}`).join(',\n')}\n ]`;
  const fields = Object.entries(r).map(([key, value]) =>
    Array.isArray(value) ? ` "${key}": ${list(value)}` : ` "${key}": ${line(value)}`,
  );
  return `{\n${fields.join(',\n')}\n}\n`;
}
