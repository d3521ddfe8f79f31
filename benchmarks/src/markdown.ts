import { ms, ratio, sig } from './format.js';
import type { Cell, Results } from './results.js';

const escapeCell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A markdown table with padded columns (as the repository's formatter writes them). */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((row) => row.map(escapeCell));
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(all[0]!), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)].join('\n');
}

/** What a cell shows where there is no number: the status, short. */
function statusText(cell: Cell): string {
  switch (cell.status) {
    case 'ok':
      return '';
    case 'unsupported':
      return 'unsupported';
    case 'wrong':
      return '**WRONG**';
    case 'skipped':
      return 'skipped';
    case 'unavailable':
      return 'n/a';
    case 'error':
      return 'error';
  }
}

/** Replaces what lies between the results markers of a README with `summary`. */
export function replaceBetweenMarkers(readme: string, summary: string): string {
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no ${start} ... ${end} section`);
  return `${readme.slice(0, from + start.length)}\n${summary.trim()}\n${readme.slice(to)}`;
}

/**
 * The results as markdown: machine, a GFLOP/s overview, the backends, then (unless `summaryOnly`)
 * one detail table per workload.
 */
export function resultsMarkdown(r: Results, summaryOnly = false): string {
  const label = (id: string) => r.backends.find((b) => b.id === id)?.label ?? id;
  const cell = (workload: string, backend: string) =>
    r.cells.find((c) => c.workload === workload && c.backend === backend);
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}${m.nodeFlags?.length ? ` (${m.nodeFlags.join(' ')}, for every runner)` : ''}, ${m.os}; ${m.date.slice(0, 10)}.`,
    `Run: ${r.settings.quick ? '`--quick`' : 'full'}, ${r.settings.cellBudgetMs} ms per cell, ${r.settings.minRuns}–${r.settings.maxRuns} steady runs, ${sig(r.wallSeconds)} s in all.`,
    '',
    '### GFLOP/s (steady-state median)',
    '',
    table(
      ['backend', ...r.workloads.map((w) => w.name)],
      r.backends.map((b) => [
        label(b.id),
        ...r.workloads.map((w) => {
          const c = cell(w.name, b.id);
          return c?.gflops !== undefined ? sig(c.gflops) : c ? statusText(c) : '';
        }),
      ]),
    ),
    '',
    '### Backends',
    '',
    table(
      ['backend', 'kind', 'init ms', 'peak RSS MiB', 'RSS before load MiB', 'status'],
      r.backends.map((b) => [
        label(b.id),
        `${b.kind}${b.peer ? ' peer' : ''}`,
        ms(b.initMs),
        b.memory ? `${sig(b.memory.peakMiB)} (${b.memory.workload})` : '',
        b.memory ? sig(b.memory.baselineMiB) : '',
        b.status === 'ok' ? 'ok' : `unavailable: ${b.reason ?? ''}`,
      ]),
    ),
  );
  for (const w of summaryOnly ? [] : r.workloads) {
    out.push(
      '',
      `### ${w.name}: ${w.description}, ${sig(w.flops / 1e6)} MFLOP`,
      '',
      table(
        [
          'backend',
          'prepare ms',
          'first ms',
          'median ms',
          'IQR ms',
          'min ms',
          'runs',
          'GFLOP/s',
          'vs best peer of kind',
          'vs native',
          'note',
        ],
        r.cells
          .filter((c) => c.workload === w.name)
          .map((c) => [
            label(c.backend),
            ms(c.prepareMs),
            ms(c.firstMs),
            ms(c.stats?.median),
            c.stats ? `${sig(c.stats.q1)}–${sig(c.stats.q3)}` : '',
            ms(c.stats?.min),
            c.stats ? String(c.stats.n) : '',
            c.gflops !== undefined ? sig(c.gflops) : '',
            ratio(c.vsKind),
            ratio(c.vsNative),
            c.status === 'ok' || c.status === 'unavailable'
              ? statusText(c)
              : `${statusText(c)}: ${c.reason ?? ''}`,
          ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
