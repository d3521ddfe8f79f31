import { describe, expect, it } from 'vitest';
import { addRatios } from './bench.js';
import { changesText, compareResults } from './compare.js';
import { replaceBetweenMarkers, resultsMarkdown } from './markdown.js';
import { RUNNERS } from './peers/registry.js';
import { type Cell, type Results, resultsJson } from './results.js';
import { resultsSvg } from './svg.js';

function sample(): Results {
  const cells: Cell[] = [
    { workload: 'a', backend: 'cpu-1t', status: 'ok', prepareMs: 0, firstMs: 5, gflops: 2 },
    { workload: 'a', backend: 'naive', status: 'ok', prepareMs: 0, firstMs: 9, gflops: 0.5 },
    { workload: 'a', backend: 'tfjs-cpu', status: 'ok', prepareMs: 3, firstMs: 9, gflops: 1 },
    { workload: 'a', backend: 'ort-node-1t', status: 'ok', prepareMs: 3, firstMs: 9, gflops: 20 },
    { workload: 'b', backend: 'cpu-1t', status: 'wrong', reason: 'output[3]=1 expected 2' },
    { workload: 'b', backend: 'naive', status: 'ok', gflops: 0.25 },
    { workload: 'b', backend: 'tfjs-cpu', status: 'unsupported', reason: 'groups=2 (tfjs has | no groups)' },
    { workload: 'b', backend: 'ort-node-1t', status: 'ok', gflops: 10 },
  ];
  for (const c of cells.filter((x) => x.gflops !== undefined)) {
    c.stats = { n: 5, median: 1, q1: 0.9, q3: 1.2, min: 0.8, max: 2, mean: 1.1 };
  }
  addRatios(cells, RUNNERS);
  const backend = (id: string) => {
    const r = RUNNERS.find((x) => x.id === id)!;
    return { id, label: r.label, kind: r.kind, peer: r.peer, status: 'ok' as const, initMs: 12 };
  };
  return {
    schema: 1,
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 8,
      node: 'v20',
      os: 'Linux',
      date: '2026-01-02T00:00:00Z',
      display: false,
    },
    settings: { quick: true, cellBudgetMs: 100, minRuns: 3, maxRuns: 10, seed: 1 },
    wallSeconds: 12,
    workloads: [
      { name: 'a', flops: 1e6, description: '[1,1,1,1] -> [1,1,1,1] k=1' },
      { name: 'b', flops: 2e6, description: '[1,2,1,1] -> [1,2,1,1] k=1 g=2' },
    ],
    backends: [
      backend('cpu-1t'),
      backend('ort-node-1t'),
      backend('tfjs-cpu'),
      backend('naive'),
      {
        id: 'gpujs-cpu',
        label: 'convt gpujs cpu',
        kind: 'js',
        peer: false,
        status: 'unavailable',
        reason: 'not built',
      },
    ],
    cells,
  };
}

describe('addRatios', () => {
  it('compares with the fastest peer of the same kind and with native', () => {
    const cells = sample().cells;
    const cpu = cells.find((c) => c.workload === 'a' && c.backend === 'cpu-1t')!;
    expect(cpu.vsKind).toBe(2); // tfjs-cpu is the fastest js peer at 1
    expect(cpu.vsNative).toBe(0.1);
    expect(cells.find((c) => c.workload === 'b' && c.backend === 'naive')!.vsKind).toBe(1);
  });
});

describe('resultsMarkdown', () => {
  const md = resultsMarkdown(sample());

  it('has an overview row per backend with statuses where there is no number', () => {
    const squeeze = md.replace(/ +/g, ' ');
    expect(squeeze).toContain('| backend | a | b |');
    expect(squeeze).toContain('| convt cpu 1T | 2.00 | **WRONG** |');
    expect(squeeze).toContain('| tfjs-cpu | 1.00 | unsupported |');
    expect(squeeze).toContain('| convt gpujs cpu | | |'); // no cells recorded for it
    expect(md).toContain('unavailable: not built');
  });

  it('escapes pipes in reasons and records the machine', () => {
    expect(md).toContain('tfjs has \\| no groups');
    expect(md).toContain('Machine: Test CPU, 2 cores');
    expect(md).toContain('### b: [1,2,1,1] -> [1,2,1,1] k=1 g=2, 2.00 MFLOP');
  });
});

describe('resultsSvg', () => {
  const svg = resultsSvg(sample());

  it('draws one bar per number, with a legend entry per backend that has one', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<title>/g)).toHaveLength(6);
    for (const label of ['convt cpu 1T', 'onnxruntime-node 1T', 'tfjs-cpu', 'naive JS scatter']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain('Not shown (no result): convt gpujs cpu (unavailable)');
  });

  it('puts a decade gridline under the smallest and over the largest value', () => {
    expect(svg).toContain('>0.1</text>');
    expect(svg).toContain('>100</text>');
  });
});

describe('compareResults', () => {
  it('reports the change of GFLOP/s per cell and statuses where there is none', () => {
    const before = sample();
    const after = sample();
    after.cells.find((c) => c.workload === 'a' && c.backend === 'cpu-1t')!.gflops = 3;
    const changes = compareResults(before, after);
    expect(changes.find((c) => c.workload === 'a' && c.backend === 'cpu-1t')!.change).toBeCloseTo(0.5);
    expect(changes.find((c) => c.workload === 'b' && c.backend === 'cpu-1t')!.note).toBe('wrong');
    const text = changesText(changes);
    expect(text).toMatch(/a\s+cpu-1t\s+2\.00\s+3\.00\s+\+50\.0%/);
    expect(text).toMatch(/Geometric mean change per backend:\n\s+cpu-1t\s+\+50\.0%/);
  });
});

describe('replaceBetweenMarkers', () => {
  it('replaces only the marked section', () => {
    const readme = 'a\n<!-- results:start -->\nold\n<!-- results:end -->\nb\n';
    expect(replaceBetweenMarkers(readme, 'new\n')).toBe(
      'a\n<!-- results:start -->\nnew\n<!-- results:end -->\nb\n',
    );
    expect(() => replaceBetweenMarkers('no markers', 'x')).toThrow(/results:start/);
  });

  it('leaves the per-workload tables out of the summary', () => {
    expect(resultsMarkdown(sample(), true)).not.toContain('### a:');
  });
});

describe('resultsJson', () => {
  it('round-trips with numbers rounded to four digits, one cell per line', () => {
    const r = sample();
    r.cells[0]!.stats = { n: 3, median: 1.234567, q1: 1, q3: 2, min: 1, max: 2, mean: 1.5 };
    const text = resultsJson(r);
    const back = JSON.parse(text) as Results;
    expect(back.cells).toHaveLength(r.cells.length);
    expect(back.cells[0]!.stats!.median).toBe(1.235);
    expect(text.split('\n').filter((l) => l.includes('"workload":"a"'))).toHaveLength(4);
  });
});

describe('compareResults with different workloads', () => {
  it('skips cells that only one file has', () => {
    const before = sample();
    const after = { ...sample(), cells: sample().cells.filter((c) => c.workload === 'a') };
    expect(compareResults(before, after).map((c) => c.workload)).toEqual(['a', 'a', 'a', 'a']);
  });
});
