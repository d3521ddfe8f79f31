#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './args.js';
import { FULL, QUICK, runBenchmarks } from './bench.js';
import { changesText, compareResults } from './compare.js';
import { replaceBetweenMarkers, resultsMarkdown } from './markdown.js';
import { selectRunners } from './peers/registry.js';
import { type Results, resultsJson } from './results.js';
import { resultsSvg } from './svg.js';
import { loadWorkloads } from './workloads.js';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** `--quick` covers a plain, an output-padded, a depthwise and a dilated layer. */
const QUICK_WORKLOADS = ['dcgan3', 'fsrcnn', 'depthwise_up', 'dilated'];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const all = loadWorkloads(join(PACKAGE_DIR, 'workloads.json'));
  const names =
    args.workloads ?? (args.quick ? QUICK_WORKLOADS.filter((n) => all.some((w) => w.name === n)) : undefined);
  const unknown = names?.filter((n) => !all.some((w) => w.name === n)) ?? [];
  if (unknown.length)
    throw new Error(`unknown workload ${unknown.join(', ')}; known: ${all.map((w) => w.name).join(', ')}`);
  const workloads = names ? all.filter((w) => names.includes(w.name)) : all;
  const runners = selectRunners(args.backends);

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const results = args.from
    ? (JSON.parse(readFileSync(args.from, 'utf8')) as Results)
    : await runBenchmarks(workloads, runners, args.quick ? QUICK : FULL, log);

  const outDir = resolve(args.out ?? join(PACKAGE_DIR, 'results'));
  mkdirSync(outDir, { recursive: true });
  const markdown = resultsMarkdown(results);
  writeFileSync(join(outDir, 'latest.json'), resultsJson(results));
  writeFileSync(join(outDir, 'latest.md'), markdown);
  writeFileSync(join(outDir, 'chart.svg'), resultsSvg(results));
  console.log(markdown);
  log(`wrote ${join(outDir, 'latest.{json,md}')} and chart.svg in ${results.wallSeconds.toFixed(0)} s`);

  if (args.updateReadme) {
    const readme = join(PACKAGE_DIR, 'README.md');
    writeFileSync(
      readme,
      replaceBetweenMarkers(readFileSync(readme, 'utf8'), resultsMarkdown(results, true)),
    );
    log(`updated ${readme}`);
  }

  if (args.compare) {
    const before = JSON.parse(readFileSync(args.compare, 'utf8')) as Results;
    console.log(`\nChange against ${args.compare}:\n`);
    console.log(changesText(compareResults(before, results)));
  }
}

// Exit through process.exit so the 'exit' hook kills the runner processes.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
