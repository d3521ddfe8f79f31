import type { Cell, Matrix } from './matrix.js';

const fmt = (x: number) => (x === 0 ? '0' : x.toExponential(2));

/** The matrix as text: rows of swept values, a column per backend, then failures and totals. */
export function formatMatrix(matrix: Matrix, maxFailures = 40): string {
  const { columns } = matrix;
  const cell = (c: Cell | null, col: number) => {
    const column = columns[col]!;
    if ('unavailable' in column) return 'n/a';
    if (!c) return '-';
    return c.passed === c.total ? `${c.passed}/${c.total}` : `${c.passed}/${c.total} !`;
  };
  const describe = (i: number): string[] => {
    const column = columns[i]!;
    if ('unavailable' in column) return ['unavailable', '', ''];
    const caps = column.report.capabilities;
    const u = caps?.precision?.float32;
    return [
      column.quick ? 'quick' : 'full',
      `threads ${caps?.threads ?? '?'}`,
      u ? `u32 2^${Math.round(Math.log2(u))}` : 'u32 ?',
    ];
  };
  const header = ['', ...columns.map((c) => c.label)];
  const lines: string[][] = [
    header,
    ...[0, 1, 2].map((k) => ['', ...columns.map((_, i) => describe(i)[k]!)]),
    ...matrix.rows.map((row) => [row.name, ...row.cells.map(cell)]),
    ['valid (computing) cases', ...matrix.totals.valid.map(cell)],
    ['invalid (error) cases', ...matrix.totals.invalid.map(cell)],
    ['time', ...columns.map((c) => ('report' in c ? `${(c.report.ms / 1000).toFixed(1)} s` : ''))],
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]) =>
    l
      .map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [render(lines[0]!), ...lines.slice(1, 4).map(render), rule(widths)];
  out.push(...lines.slice(4, 4 + matrix.rows.length).map(render), rule(widths));
  out.push(...lines.slice(4 + matrix.rows.length).map(render));

  const unavailable = columns.flatMap((c) =>
    'unavailable' in c ? [`  ${c.label}: unavailable: ${c.unavailable}`] : [],
  );
  if (unavailable.length > 0) out.push('', 'Unavailable here:', ...unavailable);
  if (matrix.failures.length > 0) {
    out.push('', `Failures (${matrix.failures.length}):`);
    for (const { column, result } of matrix.failures.slice(0, maxFailures)) {
      const error = result.maxError === undefined ? '' : ` [max |error| ${fmt(result.maxError)}]`;
      out.push(`  ${column}  ${result.name}${error}`, `      ${result.message ?? ''}`);
    }
    if (matrix.failures.length > maxFailures) {
      out.push(`  ... and ${matrix.failures.length - maxFailures} more (--json lists all)`);
    }
  }
  const available = columns.filter((c) => 'report' in c).length;
  const sum = (cells: readonly (Cell | null)[]) => cells.reduce((a, c) => a + (c?.total ?? 0), 0);
  const [valid, invalid] = [sum(matrix.totals.valid), sum(matrix.totals.invalid)];
  const verdict = matrix.failures.length === 0 ? 'all passed' : `${matrix.failures.length} FAILED`;
  out.push(
    '',
    `${available} of ${columns.length} backends available; ${valid + invalid} cases run ` +
      `(${valid} valid, ${invalid} invalid): ${verdict}.`,
  );
  return `${out.join('\n')}\n`;
}

function rule(widths: number[]): string {
  return '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
}
