import { type ConvTransposeErrorCode, resolveConvTranspose2d } from '@convt/core';
import { describe, expect, it } from 'vitest';
import type { OutputCase } from './cases.js';
import { coveringArray } from './covering.js';
import { generateCases } from './generate.js';

const all = generateCases({ dtypes: ['float32', 'float64'] });
const computing = all.filter((c): c is OutputCase => c.expects === 'output');

describe('generateCases', () => {
  it('gives every case a unique name that spells out its parameters', () => {
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(computing[0]!.name).toMatch(
      /^s=\[\d,\d\] p=\[\d+,\d+\] (op|os)=\[\d+,\d+\]\S* d=\[\d,\d\] g=\d+\S* k=\[\d,\d\] n=\S+/,
    );
  });

  it('is deterministic plain data', () => {
    expect(JSON.parse(JSON.stringify(generateCases()))).toEqual(generateCases());
  });

  it('gives only legal, small computing cases, but for two wide corners of bounded work', () => {
    // The corners come again in float64 and through the module.
    const wide = new Set<string>();
    for (const c of computing) {
      const plan = resolveConvTranspose2d(
        c.inputShape,
        c.weightShape,
        c.params.bias ? [c.params.outChannels] : null,
        c.options,
      );
      expect(plan.inHeight * plan.inWidth).toBeLessThanOrEqual(16 * 16);
      if (plan.inChannels > 8) {
        wide.add(JSON.stringify(c.params));
        expect(c.kind).not.toBe('valid');
        expect(plan.flops).toBeLessThanOrEqual(2e7);
      }
    }
    expect(wide.size).toBe(2);
  });

  it('sweeps every value the issue asks for, each on both axes', () => {
    const tags = new Set(computing.flatMap((c) => c.tags));
    const wanted = [
      ...[1, 2, 3, 4].map((s) => `stride=${s}`),
      ...[1, 2, 3].map((d) => `dilation=${d}`),
      ...[1, 2, 3, 4, 5].map((k) => `kernel=${k}`),
      ...['1', '2', '3', '4', 'depthwise'].map((g) => `groups=${g}`),
      ...['1', '2', '3', 'unbatched'].map((n) => `batch=${n}`),
      'padding=0',
      'padding in (0, d(k-1))',
      'padding=d(k-1)',
      'padding>d(k-1)',
      'outputPadding=0',
      'outputPadding<stride',
      'outputPadding by dilation',
      'outputSize=min',
      'outputSize=max',
      'bias=on',
      'bias=off',
      'kernel non-square',
      'asymmetric [h,w]',
      'input size 1',
      'stride>kernel extent (gaps)',
      'dtype=float64',
      'route=module',
    ];
    expect(wanted.filter((t) => !tags.has(t))).toEqual([]);
    for (const axis of [0, 1] as const) {
      const seen = (key: 'stride' | 'dilation' | 'kernelSize') =>
        new Set(computing.map((c) => c.params[key][axis]));
      expect([...seen('stride')].sort()).toEqual([1, 2, 3, 4]);
      expect([...seen('dilation')].sort()).toEqual([1, 2, 3]);
      expect([...seen('kernelSize')].filter((k) => k <= 5).sort()).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('has an invalid case for every error code core and the module throw', () => {
    const codes = new Set(all.flatMap((c) => (c.expects === 'error' ? [c.code] : [])));
    const everyCode: ConvTransposeErrorCode[] = [
      'INVALID_TENSOR',
      'INVALID_DTYPE',
      'INVALID_SHAPE',
      'DATA_LENGTH_MISMATCH',
      'DTYPE_MISMATCH',
      'UNKNOWN_OPTION',
      'INVALID_OPTION_TYPE',
      'INPUT_RANK',
      'INPUT_EMPTY',
      'WEIGHT_RANK',
      'KERNEL_SIZE_RANGE',
      'STRIDE_RANGE',
      'PADDING_RANGE',
      'OUTPUT_PADDING_RANGE',
      'DILATION_RANGE',
      'GROUPS_RANGE',
      'CHANNELS_RANGE',
      'INPUT_CHANNELS_MISMATCH',
      'IN_CHANNELS_GROUPS',
      'OUT_CHANNELS_GROUPS',
      'BIAS_SHAPE',
      'OUTPUT_PADDING_RULE',
      'OUTPUT_SIZE_LENGTH',
      'OUTPUT_SIZE_RANGE',
      'OUTPUT_EMPTY',
      'PADDING_MODE',
      'PARAMETER_ASSIGNMENT',
    ];
    expect(everyCode.filter((code) => !codes.has(code))).toEqual([]);
    // A float32-only backend gets DTYPE_UNSUPPORTED cases instead of float64 ones.
    expect(generateCases().some((c) => c.expects === 'error' && c.code === 'DTYPE_UNSUPPORTED')).toBe(true);
  });
});

describe('coveringArray', () => {
  const factors = [
    { name: 'a', values: ['0', '1', '2'] },
    { name: 'b', values: ['0', '1', '2', '3'] },
    { name: 'c', values: ['0', '1'] },
    { name: 'd', values: ['0', '1', '2'] },
  ];
  const pairs = [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
    [2, 3],
  ];
  // a=2 needs c=1: a constraint with a partial row.
  const allowed = (row: readonly number[]) => !(row[0] === 2 && row[2] === 0);

  it('covers every allowed pair, respects the constraint, and stays far below the cross product', () => {
    const rows = coveringArray({ factors, interactions: pairs, allowed, seed: 1 });
    expect(rows.every(allowed)).toBe(true);
    for (const [f, g] of pairs as [number, number][]) {
      for (let v = 0; v < factors[f]!.values.length; v++) {
        for (let w = 0; w < factors[g]!.values.length; w++) {
          const row = [-1, -1, -1, -1];
          row[f] = v;
          row[g] = w;
          if (!allowed(row)) continue;
          expect(rows.some((r) => r[f] === v && r[g] === w)).toBe(true);
        }
      }
    }
    expect(rows.length).toBeLessThan(3 * 4 * 2 * 3);
    expect(coveringArray({ factors, interactions: pairs, allowed, seed: 1 })).toEqual(rows);
  });

  it('covers a triple interaction completely', () => {
    const rows = coveringArray({
      factors,
      interactions: [...pairs, [0, 1, 3]],
      allowed: () => true,
      seed: 2,
    });
    const triples = new Set(rows.map((r) => `${r[0]}${r[1]}${r[3]}`));
    expect(triples.size).toBe(3 * 4 * 3);
  });
});
