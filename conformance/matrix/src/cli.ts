#!/usr/bin/env node
import { runConformance } from '@convt/conformance';
import { parseArgs, USAGE } from './args.js';
import { formatMatrix } from './format.js';
import { buildMatrix, type Column } from './matrix.js';
import { createProgress } from './progress.js';
import { enableRelaxedSimd, selectTargets, startTarget } from './targets.js';

/** A case that hangs fails after this long, and the run goes on. */
const CASE_TIMEOUT_MS = 60_000;

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  let targets: ReturnType<typeof selectTargets>;
  try {
    args = parseArgs(argv);
    targets = selectTargets(args.backends);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  await enableRelaxedSimd();
  const progress = createProgress();
  const columns: Column[] = [];
  // One backend at a time: they share the machine's cores, and timings stay honest.
  for (const target of targets) {
    progress.start(target.label);
    const started = await startTarget(target);
    if (started.status === 'unavailable') {
      progress.finish(target.label, `${target.label}: unavailable: ${started.reason}`);
      columns.push({ label: target.label, unavailable: started.reason });
      continue;
    }
    const quick = args.quick || target.quick === true;
    try {
      const report = await runConformance(started.backend, {
        quick,
        filter: args.filter,
        timeoutMs: CASE_TIMEOUT_MS,
        onProgress: (done, total, name) => progress.update(target.label, done, total, name),
      });
      progress.finish(
        target.label,
        `${target.label}: ${report.passed}/${report.total} passed${quick ? ' (quick)' : ''} in ${(report.ms / 1000).toFixed(1)} s`,
      );
      columns.push({ label: target.label, report, quick });
    } finally {
      await started.backend.dispose?.();
    }
  }

  const matrix = buildMatrix(columns);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(toJson(matrix), null, 2)}\n`);
  } else {
    process.stdout.write(formatMatrix(matrix));
  }
  // Nothing run is no evidence: a typo in --filter or no backend starting must not look green.
  const ran = columns.reduce((n, c) => n + ('report' in c ? c.report.total : 0), 0);
  if (ran === 0) {
    process.stderr.write('no case ran: no backend started here, or --filter matched no case name\n');
    return 1;
  }
  return matrix.failures.length === 0 ? 0 : 1;
}

/** Reports without the per-case results (the matrix counts them), failures in full. */
function toJson(matrix: ReturnType<typeof buildMatrix>) {
  return {
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      display: process.env.DISPLAY ?? null,
    },
    backends: matrix.columns.map((c) =>
      'report' in c
        ? {
            label: c.label,
            status: 'ran',
            backend: c.report.backend,
            quick: c.quick,
            capabilities: c.report.capabilities,
            total: c.report.total,
            passed: c.report.passed,
            failed: c.report.failed,
            valid: c.report.valid,
            invalid: c.report.invalid,
            ms: Math.round(c.report.ms),
          }
        : { label: c.label, status: 'unavailable', reason: c.unavailable },
    ),
    rows: matrix.rows.map((r) => ({
      name: r.name,
      cells: Object.fromEntries(matrix.columns.map((c, i) => [c.label, r.cells[i] ?? null])),
    })),
    failures: matrix.failures.map(({ column, result }) => ({ backend: column, ...result })),
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
