import { spawnSync } from 'node:child_process';
import { checkOutput, expected } from './check.js';
import { HostClient, HostError } from './host-client.js';
import { describeMachine } from './machine.js';
import { runnerNodeFlags } from './node-flags.js';
import type { RunnerSpec } from './peers/types.js';
import type { BackendResult, Cell, Results, WorkloadInfo } from './results.js';
import { gflops, summarize } from './stats.js';
import { makeCase, type Workload, workloadFlops } from './workloads.js';

export interface BenchSettings {
  readonly quick: boolean;
  /** Steady-state time per cell before it stops (once it has `minRuns`). */
  readonly cellBudgetMs: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  /** Time one runner gets per turn of the round-robin. */
  readonly turnMs: number;
  readonly seed: number;
}

export const FULL: BenchSettings = {
  quick: false,
  cellBudgetMs: 1000,
  // Slow cells (a call of 0.3 s or more) stop at this count: with 3 or 4 calls, one slow window of the
  // shared machine moved such a cell's median, and every ratio to it, by up to 1.3x.
  minRuns: 6,
  maxRuns: 300,
  turnMs: 100,
  seed: 1,
};
export const QUICK: BenchSettings = {
  quick: true,
  cellBudgetMs: 250,
  minRuns: 3,
  maxRuns: 15,
  turnMs: 60,
  seed: 1,
};

const MIB = 1024; // maxRSS is in KiB

interface Active {
  readonly cell: Cell;
  readonly host: HostClient;
  readonly samples: number[];
  spent: number;
  estimate: number;
}

export function describeWorkload(w: Workload): WorkloadInfo {
  const c = makeCase(w);
  const p = c.plan;
  const pair = (name: string, v: readonly [number, number], none: number) =>
    v[0] === none && v[1] === none ? '' : ` ${name}=${v[0] === v[1] ? v[0] : `[${v}]`}`;
  const description =
    `[${p.inputShape}] -> [${p.outputShape}] k=${p.kernelHeight === p.kernelWidth ? p.kernelHeight : `[${p.kernelHeight},${p.kernelWidth}]`}` +
    pair('s', p.stride, 1) +
    pair('p', p.padding, 0) +
    pair('op', p.outputPadding, 0) +
    pair('d', p.dilation, 1) +
    (p.groups > 1 ? ` g=${p.groups}` : '');
  return { name: w.name, flops: workloadFlops(w), description };
}

/**
 * Runs every runner on every workload. Runners live in child processes, started once; workloads run
 * one at a time, and within a workload the runners take turns (round-robin) so drift hits all alike.
 * Workloads run largest first, so each process's peak RSS after its first is its largest workload's.
 */
export async function runBenchmarks(
  workloads: readonly Workload[],
  runners: readonly RunnerSpec[],
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<Results> {
  const started = performance.now();
  const nodeFlags = await runnerNodeFlags();
  const machine = describeMachine(nodeFlags);
  const backends: BackendResult[] = [];
  const hosts = new Map<string, HostClient>();
  const roundoff = new Map<string, number>();
  const baselineRss = new Map<string, number>();

  for (const spec of runners) {
    const result: BackendResult = {
      id: spec.id,
      label: spec.label,
      kind: spec.kind,
      peer: spec.peer,
      status: 'ok',
    };
    backends.push(result);
    const xvfb = Boolean(spec.needsDisplay && !process.env.DISPLAY && hasXvfb());
    const host = new HostClient(spec.id, { xvfb, nodeFlags });
    try {
      const init = await host.init();
      result.initMs = init.initMs;
      result.details = xvfb ? { ...init.details, display: 'xvfb-run -a' } : init.details;
      roundoff.set(spec.id, init.unitRoundoff);
      hosts.set(spec.id, host);
      log(`init ${spec.id}: ${init.initMs.toFixed(0)} ms`);
      baselineRss.set(spec.id, init.baselineRssKiB);
    } catch (error) {
      result.status = 'unavailable';
      result.reason = firstLine(error);
      host.close();
      log(`init ${spec.id}: unavailable: ${result.reason}`);
    }
  }

  const infos = workloads.map(describeWorkload);
  const flopsOf = (w: Workload) => infos.find((i) => i.name === w.name)!.flops;
  // Largest first: the first workload a runner computes is then the largest it supports, and its
  // process's peak RSS right after it is that workload's peak.
  const order = [...workloads].sort((a, b) => flopsOf(b) - flopsOf(a));
  const cells: Cell[] = [];

  for (const [index, workload] of order.entries()) {
    const info = infos.find((i) => i.name === workload.name)!;
    log(
      `[${index + 1}/${order.length}] ${info.name} ${info.description} (${(info.flops / 1e6).toFixed(1)} MFLOP)`,
    );
    const c = makeCase(workload, settings.seed);
    const exp = expected(c);
    const active: Active[] = [];

    for (const spec of runners) {
      const cell: Cell = { workload: workload.name, backend: spec.id, status: 'ok' };
      cells.push(cell);
      const host = hosts.get(spec.id);
      const backend = backends.find((b) => b.id === spec.id)!;
      if (!host) {
        cell.status = 'unavailable';
        cell.reason = backend.reason;
        continue;
      }
      if (spec.maxFlops !== undefined && info.flops > spec.maxFlops) {
        cell.status = 'skipped';
        cell.reason = `too slow: only workloads up to ${spec.maxFlops / 1e6} MFLOP`;
        continue;
      }
      try {
        const first = await host.prepare(workload, settings.seed);
        cell.prepareMs = first.prepareMs;
        cell.firstMs = first.firstMs;
        cell.check = checkOutput(first.output, exp, roundoff.get(spec.id)!);
        if (!cell.check.ok) {
          cell.status = 'wrong';
          cell.reason = cell.check.reason;
        } else {
          active.push({ cell, host, samples: [], spent: 0, estimate: first.firstMs });
        }
      } catch (error) {
        cell.status = error instanceof HostError && error.unsupported ? 'unsupported' : 'error';
        cell.reason = firstLine(error);
      }
      log(
        `  ${spec.id}: ${cell.status === 'ok' ? `first ${cell.firstMs!.toFixed(1)} ms, correct` : `${cell.status}: ${cell.reason}`}`,
      );
    }

    await timeRoundRobin(active, settings, log);

    for (const spec of runners) {
      const host = hosts.get(spec.id);
      if (!host) continue;
      try {
        const { maxRssKiB } = await host.release();
        const backend = backends.find((b) => b.id === spec.id)!;
        const ran = cells.some(
          (x) => x.backend === spec.id && x.workload === workload.name && x.firstMs !== undefined,
        );
        if (ran && !backend.memory) {
          const baselineMiB = (baselineRss.get(spec.id) ?? 0) / MIB;
          backend.memory = { workload: workload.name, peakMiB: maxRssKiB / MIB, baselineMiB };
        }
      } catch {
        // A crashed process already marked its cells; nothing to release.
      }
    }
    for (const cell of cells.filter((x) => x.workload === workload.name && x.stats)) {
      cell.gflops = gflops(info.flops, cell.stats!.median);
    }
  }

  for (const host of hosts.values()) host.close();
  addRatios(cells, runners);
  const sorted = workloads.flatMap((w) =>
    runners.map((r) => cells.find((c) => c.workload === w.name && c.backend === r.id)!),
  );
  return {
    schema: 1,
    machine,
    settings: {
      quick: settings.quick,
      cellBudgetMs: settings.cellBudgetMs,
      minRuns: settings.minRuns,
      maxRuns: settings.maxRuns,
      seed: settings.seed,
    },
    wallSeconds: (performance.now() - started) / 1000,
    workloads: infos,
    backends,
    cells: sorted,
  };
}

/** Gives each active cell turns of about `turnMs` until each has spent its budget (or hit maxRuns). */
/**
 * Turns a cell's runs are spread over at least, when its run cap is reached first: a fast cell's
 * samples then span a dozen windows of the machine's load, as a slow cell's do.
 */
const MIN_TURNS = 12;

/** Pause before each turn, so that no runner's spinning threads overlap the next one's timing. */
const SETTLE_MS = 20;

/**
 * Untimed calls at the start of each turn of a cell faster than `WARM_BELOW_MS`: after the pause the
 * cores have idled, and the first calls run up to twice as slow (caches, sleeping worker threads, the
 * virtual machine's idle cores). A sleeping worker thread took 0.1-0.3 ms to wake in most stretches,
 * but 2-5 ms in others, so 3 ms of warm-up left a 2-thread cell's first calls on one thread (convt
 * wasm dcgan4: medians of 0.165-0.175 ms with 3 ms, 0.127-0.128 with 10; onnxruntime-web 0.19-0.20
 * with either). Steady state means calls back to back.
 */
const WARMUP_MS = 10;
const WARM_BELOW_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timeRoundRobin(
  active: Active[],
  s: BenchSettings,
  log: (line: string) => void,
): Promise<void> {
  const done = (a: Active) =>
    a.cell.status !== 'ok' ||
    a.samples.length >= s.maxRuns ||
    (a.spent >= s.cellBudgetMs && a.samples.length >= s.minRuns);
  while (active.some((a) => !done(a))) {
    for (const a of active) {
      if (done(a)) continue;
      // Let the previous turn's threads go idle first: thread pools spin a while after a job (ours
      // for half a millisecond, onnxruntime's longer) and would take a core from this turn.
      await sleep(SETTLE_MS);
      const left = s.maxRuns - a.samples.length;
      // At most a sixth of the runs per turn: each runner's samples then span several windows of the
      // machine's load, as the other runners' do, instead of one or two.
      const perTurn = Math.min(
        Math.floor(s.turnMs / Math.max(a.estimate, 1e-3)),
        Math.ceil(s.maxRuns / MIN_TURNS),
      );
      const reps = Math.max(1, Math.min(left, perTurn));
      try {
        const { times } = await a.host.run(reps, a.estimate < WARM_BELOW_MS ? WARMUP_MS : 0);
        a.samples.push(...times);
        a.spent += times.reduce((x, y) => x + y, 0);
        a.estimate = summarize(a.samples).median;
      } catch (error) {
        a.cell.status = 'error';
        a.cell.reason = firstLine(error);
      }
    }
  }
  for (const a of active) {
    if (a.cell.status !== 'ok') continue;
    a.cell.stats = summarize(a.samples);
    log(`  ${a.cell.backend}: median ${a.cell.stats.median.toFixed(2)} ms over ${a.samples.length} runs`);
  }
}

/** Ratios to the fastest peer of the same kind, and to the fastest native peer, per workload. */
export function addRatios(cells: Cell[], runners: readonly RunnerSpec[]): void {
  const spec = (id: string) => runners.find((r) => r.id === id);
  const best = (workload: string, kind: string) =>
    Math.max(
      0,
      ...cells
        .filter(
          (c) =>
            c.workload === workload &&
            c.gflops !== undefined &&
            spec(c.backend)?.peer &&
            spec(c.backend)?.kind === kind,
        )
        .map((c) => c.gflops!),
    );
  for (const c of cells) {
    if (c.gflops === undefined) continue;
    const kind = spec(c.backend)?.kind;
    const sameKind = kind ? best(c.workload, kind) : 0;
    const native = best(c.workload, 'native');
    if (sameKind > 0) c.vsKind = c.gflops / sameKind;
    if (native > 0) c.vsNative = c.gflops / native;
  }
}

function hasXvfb(): boolean {
  return spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error === undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 300);
}
