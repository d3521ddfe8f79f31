import { sig } from './format.js';
import type { Results } from './results.js';

export interface Change {
  readonly workload: string;
  readonly backend: string;
  readonly before?: number;
  readonly after?: number;
  /** after / before - 1 of GFLOP/s, when both ran. */
  readonly change?: number;
  readonly note?: string;
}

/** The change of each cell's GFLOP/s between two result files (cells present in both). */
export function compareResults(before: Results, after: Results): Change[] {
  const changes: Change[] = [];
  for (const a of after.cells) {
    const { workload, backend } = a;
    const b = before.cells.find((c) => c.workload === workload && c.backend === backend);
    if (!b) continue;
    if (b.gflops !== undefined && a.gflops !== undefined) {
      changes.push({ workload, backend, before: b.gflops, after: a.gflops, change: a.gflops / b.gflops - 1 });
    } else {
      changes.push({
        workload,
        backend,
        before: b.gflops,
        after: a.gflops,
        note: b.status === a.status ? b.status : `${b.status} -> ${a.status}`,
      });
    }
  }
  return changes;
}

/** Geometric mean of after/before per backend, over the cells where both ran. */
export function meanChangeByBackend(changes: readonly Change[]): Map<string, number> {
  const logs = new Map<string, number[]>();
  for (const c of changes) {
    if (c.change === undefined) continue;
    logs.set(c.backend, [...(logs.get(c.backend) ?? []), Math.log1p(c.change)]);
  }
  return new Map(
    [...logs].map(([backend, l]) => [backend, Math.expm1(l.reduce((x, y) => x + y, 0) / l.length)]),
  );
}

const percent = (change: number) => `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;

/** Aligned plain-text table of the changes, then the mean change per backend, for the terminal. */
export function changesText(changes: readonly Change[]): string {
  const rows = [
    ['workload', 'backend', 'GFLOP/s before', 'after', 'change'],
    ...changes.map((c) => [
      c.workload,
      c.backend,
      c.before === undefined ? '' : sig(c.before),
      c.after === undefined ? '' : sig(c.after),
      c.change === undefined ? (c.note ?? '') : percent(c.change),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
  const means = [...meanChangeByBackend(changes)].map(
    ([backend, m]) => `  ${backend.padEnd(widths[1]!)}  ${percent(m)}`,
  );
  return [...table, '', 'Geometric mean change per backend:', ...means].join('\n');
}
