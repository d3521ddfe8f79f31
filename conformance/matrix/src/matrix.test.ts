import { runConformance } from '@convt/conformance';
import { type Backend, referenceBackend } from '@convt/core';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import { formatMatrix } from './format.js';
import { buildMatrix, type Column } from './matrix.js';
import { selectTargets, startTarget, TARGETS, type Target } from './targets.js';

/** Drops every bias: a backend the matrix must show as failing. */
const biasless: Backend = {
  ...referenceBackend,
  name: 'biasless',
  convTranspose2d: (input, weight, _bias, options) =>
    referenceBackend.convTranspose2d(input, weight, null, options),
};

describe('the matrix', async () => {
  const filter = /^s=\[2,|invalid STRIDE/;
  const columns: Column[] = [
    {
      label: 'reference',
      report: await runConformance(referenceBackend, { quick: true, filter }),
      quick: true,
    },
    { label: 'biasless', report: await runConformance(biasless, { quick: true, filter }), quick: true },
    { label: 'gpujs:headlessgl', unavailable: 'no X display (run under xvfb-run -a)' },
  ];
  const matrix = buildMatrix(columns);

  it('has one row per swept value, in reading order, and one cell per backend', () => {
    const names = matrix.rows.map((r) => r.name);
    expect(names).toContain('stride=2');
    expect(names).toContain('bias=off');
    expect(names.indexOf('stride=2')).toBeLessThan(names.indexOf('dilation=1'));
    expect(names.indexOf('groups=4')).toBeLessThan(names.indexOf('groups=depthwise'));
    const bias = matrix.rows.find((r) => r.name === 'bias=off')!;
    expect(bias.cells[0]).toEqual(bias.cells[1]);
    expect(bias.cells[2]).toBeNull();
    const on = matrix.rows.find((r) => r.name === 'bias=on')!;
    expect(on.cells[1]!.passed).toBe(0);
    expect(on.cells[0]!.passed).toBe(on.cells[0]!.total);
  });

  it('prints cells, unavailable backends with their reason, failures with their largest error, and totals', () => {
    const text = formatMatrix(matrix);
    expect(text).toMatch(/^stride=2 +(\d+)\/\1 +\d+\/\d+ ! +n\/a$/m);
    expect(text).toContain('gpujs:headlessgl: unavailable: no X display (run under xvfb-run -a)');
    expect(text).toMatch(
      /Failures \(\d+\):\n {2}biasless {2}s=\[2,.* bias \[max \|error\| \d\.\d\de[+-]\d+\]/,
    );
    expect(text).toMatch(/^valid \(computing\) cases +(\d+)\/\1 +\d+\/\d+ !/m);
    expect(text).toMatch(/^invalid \(error\) cases +3\/3 +3\/3 +n\/a$/m);
    expect(text).toMatch(
      /2 of 3 backends available; \d+ cases run \(\d+ valid, 6 invalid\): \d+ FAILED\.\n$/,
    );
  });
});

describe('targets', () => {
  it('covers every backend and gpu.js mode, the slow one quick', () => {
    expect(TARGETS.map((t) => t.label)).toEqual([
      'reference',
      'cpu:1',
      'cpu:auto',
      'wasm:1',
      'wasm:auto',
      'wasm:1:simd128',
      'wasm:auto:simd128',
      'gpujs:headlessgl',
      'gpujs:webasm',
      'gpujs:cpu',
    ]);
    expect(TARGETS.filter((t) => t.quick).map((t) => t.label)).toEqual(['gpujs:cpu']);
  });

  it('selects by column or package name and rejects unknown names', () => {
    expect(selectTargets(['cpu', 'gpujs:webasm']).map((t) => t.label)).toEqual([
      'cpu:1',
      'cpu:auto',
      'gpujs:webasm',
    ]);
    expect(selectTargets([]).length).toBe(TARGETS.length);
    expect(() => selectTargets(['cuda'])).toThrow(/unknown backend cuda; known: reference/);
  });

  it('starts the reference and reports every way a backend cannot start', async () => {
    const started = await startTarget(TARGETS[0]!);
    expect(started.status).toBe('ready');
    const cases: [Target, RegExp][] = [
      [{ label: 'x', specifier: '@convt/core', precondition: () => 'no X display' }, /^no X display$/],
      [{ label: 'x', specifier: '@convt/does-not-exist' }, /^cannot load @convt\/does-not-exist: /],
      [{ label: 'x', specifier: 'node:path' }, /^node:path does not export createBackend$/],
    ];
    for (const [target, reason] of cases) {
      const result = await startTarget(target);
      expect(result.status).toBe('unavailable');
      expect(result.status === 'unavailable' && result.reason).toMatch(reason);
    }
  });
});

describe('parseArgs', () => {
  it('reads repeated and comma-separated backends, a regex filter and the switches', () => {
    const args = parseArgs([
      '--backend',
      'cpu,wasm:1',
      '--backend=gpujs',
      '--filter',
      '/g=6/i',
      '--quick',
      '--json',
    ]);
    expect(args.backends).toEqual(['cpu', 'wasm:1', 'gpujs']);
    expect(args.filter).toEqual(/g=6/i);
    expect([args.quick, args.json, args.help]).toEqual([true, true, false]);
    expect(parseArgs(['--filter', 'dw']).filter).toBe('dw');
  });

  it('rejects what it does not know', () => {
    expect(() => parseArgs(['--backend'])).toThrow('--backend needs a value');
    expect(() => parseArgs(['--verbose'])).toThrow('unknown argument --verbose');
  });
});
