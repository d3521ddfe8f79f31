import type { CaseResult, ConformanceReport } from '@convt/conformance';

/** One column's outcome: a report, or the reason the backend could not start. */
export type Column =
  | { readonly label: string; readonly report: ConformanceReport; readonly quick: boolean }
  | { readonly label: string; readonly unavailable: string };

export interface Cell {
  readonly passed: number;
  readonly total: number;
}

export interface Row {
  readonly name: string;
  /** One cell per column; null for an unavailable backend or a row with no case in it. */
  readonly cells: readonly (Cell | null)[];
}

export interface Matrix {
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly totals: { readonly valid: readonly (Cell | null)[]; readonly invalid: readonly (Cell | null)[] };
  readonly failures: readonly { readonly column: string; readonly result: CaseResult }[];
}

/**
 * Rows in reading order: each swept parameter's values, then the cross-cutting rows. A row tag not
 * listed here (a new case family) is appended at the end rather than dropped.
 */
const ROW_ORDER: readonly (string | RegExp)[] = [
  /^stride=/,
  /^dilation=/,
  /^kernel=/,
  'kernel non-square',
  'padding=0',
  'padding in (0, d(k-1))',
  'padding=d(k-1)',
  'padding>d(k-1)',
  'outputPadding=0',
  'outputPadding<stride',
  'outputPadding by dilation',
  'outputSize=min',
  'outputSize=max',
  /^groups=\d/,
  'groups=depthwise',
  /^batch=\d/,
  'batch=unbatched',
  'bias=on',
  'bias=off',
  'input size 1',
  'stride>kernel extent (gaps)',
  'asymmetric [h,w]',
  /^dtype=/,
  'route=backend',
  'route=module',
  'invalid',
];

/** Per-code invalid rows are shown only where some backend fails one: the `invalid` row sums them. */
const DETAIL = /^invalid [A-Z_]+$/;

export function buildMatrix(columns: readonly Column[]): Matrix {
  const reports = columns.map((c) => ('report' in c ? c.report : null));
  const tags = new Set<string>();
  for (const r of reports) for (const result of r?.results ?? []) for (const t of result.tags) tags.add(t);
  const failingTags = new Set(reports.flatMap((r) => r?.failures.flatMap((f) => f.tags) ?? []));
  const shown = [...tags].filter(
    (t) => !DETAIL.test(t) || failingTags.has(t) || t === 'invalid DTYPE_UNSUPPORTED',
  );

  const rank = (tag: string) => {
    const i = ROW_ORDER.findIndex((o) => (typeof o === 'string' ? o === tag : o.test(tag)));
    return i < 0 ? ROW_ORDER.length : i;
  };
  shown.sort((a, b) => rank(a) - rank(b) || naturalCompare(a, b));

  const cell = (report: ConformanceReport | null, keep: (r: CaseResult) => boolean): Cell | null => {
    if (!report) return null;
    const results = report.results.filter(keep);
    return results.length === 0
      ? null
      : { passed: results.filter((r) => r.passed).length, total: results.length };
  };
  return {
    columns,
    rows: shown.map((name) => ({ name, cells: reports.map((r) => cell(r, (x) => x.tags.includes(name))) })),
    totals: {
      valid: reports.map((r) => r && { passed: r.valid.passed, total: r.valid.total }),
      invalid: reports.map((r) => r && { passed: r.invalid.passed, total: r.invalid.total }),
    },
    failures: columns.flatMap((c) =>
      'report' in c ? c.report.failures.map((result) => ({ column: c.label, result })) : [],
    ),
  };
}

/** `stride=10` after `stride=9`. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
