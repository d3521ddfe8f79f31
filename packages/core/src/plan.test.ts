import { describe, expect, it } from 'vitest';
import { type ConvTranspose2dPlan, geometryKey, phaseCorrelation, resolveConvTranspose2d } from './plan.js';

/** Brute force: which (k, i) pairs reach output o along one axis. */
function bruteTaps(inSize: number, outSize: number, k: number, s: number, p: number, d: number): string[][] {
  const taps: string[][] = Array.from({ length: outSize }, () => []);
  for (let i = 0; i < inSize; i++) {
    for (let kk = 0; kk < k; kk++) {
      const o = i * s - p + kk * d;
      if (o >= 0 && o < outSize) taps[o]!.push(`${kk}:${i}`);
    }
  }
  return taps.map((t) => t.sort());
}

function phaseTaps(plan: ConvTranspose2dPlan, axis: 'rows' | 'cols'): string[][] {
  const a = plan[axis];
  const taps: string[][] = Array.from({ length: a.outSize }, () => []);
  const seen = new Array<number>(a.outSize).fill(0);
  for (const phase of a.phases) {
    for (let j = 0; j < phase.count; j++) {
      const o = phase.first + a.stride * j;
      seen[o]!++;
      for (const t of phase.taps)
        if (j >= t.jBegin && j < t.jEnd) taps[o]!.push(`${t.k}:${t.inputStart + j}`);
    }
  }
  expect(seen.every((n) => n === 1)).toBe(true);
  return taps.map((t) => t.sort());
}

describe('resolveConvTranspose2d', () => {
  it('computes the output shape of the formula', () => {
    const plan = resolveConvTranspose2d([2, 4, 5, 7], [4, 3, 3, 2], [6], {
      stride: [2, 3],
      padding: [1, 0],
      outputPadding: [1, 2],
      dilation: [1, 2],
      groups: 2,
    });
    // H: (5-1)*2 - 2 + 1*(3-1) + 1 + 1 = 10; W: (7-1)*3 - 0 + 2*(2-1) + 2 + 1 = 23
    expect(plan.outputShape).toEqual([2, 6, 10, 23]);
    expect(plan).toMatchObject({
      batch: 2,
      inChannels: 4,
      outChannels: 6,
      inChannelsPerGroup: 2,
      outChannelsPerGroup: 3,
      kernelHeight: 3,
      kernelWidth: 2,
      outputPadding: [1, 2],
      hasBias: true,
      batched: true,
      inputImageSize: 4 * 5 * 7,
      outputImageSize: 6 * 10 * 23,
      flops: 2 * 2 * 4 * 5 * 7 * 3 * 3 * 2,
    });
  });

  it('keeps unbatched input unbatched', () => {
    const plan = resolveConvTranspose2d([3, 4, 4], [3, 2, 3, 3], null, { stride: 2 });
    expect(plan.batched).toBe(false);
    expect(plan.batch).toBe(1);
    expect(plan.outputShape).toEqual([2, 9, 9]);
  });

  it('derives output padding from outputSize, dilation included in the minimum', () => {
    const plan = resolveConvTranspose2d([1, 1, 4, 4], [1, 1, 3, 3], null, {
      stride: 2,
      dilation: 3,
      outputSize: [14, 13],
    });
    expect(plan.outputPadding).toEqual([1, 0]);
    expect(plan.outputShape).toEqual([1, 1, 14, 13]);
  });

  it('allows output padding legal only through dilation', () => {
    const plan = resolveConvTranspose2d([1, 1, 4, 4], [1, 1, 2, 2], null, { dilation: 3, outputPadding: 2 });
    // (4 - 1) * 1 + 3 * (2 - 1) + 2 + 1 = 9
    expect(plan.outputShape).toEqual([1, 1, 9, 9]);
  });

  it('phases cover every output once with exactly the contributing taps', () => {
    for (const s of [1, 2, 3, 4]) {
      for (const d of [1, 2, 3]) {
        for (const k of [1, 2, 3, 5]) {
          for (const p of [0, 1, 3, 6]) {
            for (const op of [0, 1, 2]) {
              if (op >= s && op >= d) continue;
              const inSize = 4;
              const out = (inSize - 1) * s - 2 * p + d * (k - 1) + op + 1;
              if (out < 1) continue;
              const plan = resolveConvTranspose2d([1, 1, inSize, 3], [1, 1, k, 1], null, {
                stride: [s, 1],
                padding: [p, 0],
                dilation: [d, 1],
                outputPadding: [op, 0],
              });
              expect(phaseTaps(plan, 'rows')).toEqual(bruteTaps(inSize, out, k, s, p, d));
              expect(phaseTaps(plan, 'cols')).toEqual(bruteTaps(3, 3, 1, 1, 0, 1));
            }
          }
        }
      }
    }
  });
});

describe('geometryKey', () => {
  const key = (options: Parameters<typeof resolveConvTranspose2d>[3], x = [1, 8, 5, 5]) =>
    geometryKey(resolveConvTranspose2d(x, [8, 4, 3, 3], null, options));

  it('is equal for the same shapes and resolved options, however they were written', () => {
    expect(key({ stride: 2, padding: 1 })).toBe(key({ stride: [2, 2], padding: [1, 1], dilation: 1 }));
  });

  it('differs when a shape or any option differs', () => {
    const base = key({ stride: 2, padding: 1 });
    for (const other of [
      key({ stride: 2, padding: 1 }, [2, 8, 5, 5]),
      key({ stride: 2, padding: 0 }),
      key({ stride: [2, 1], padding: 1 }),
      key({ stride: 2, padding: 1, outputPadding: 1 }),
      key({ stride: 2, padding: 1, dilation: 2 }),
      key({ stride: 2, padding: 1, groups: 2 }, [1, 8, 5, 5]),
    ]) {
      expect(other).not.toBe(base);
    }
  });
});

describe('phaseCorrelation', () => {
  // The row axis only: the column axis stays a 1-wide identity.
  const rows = (
    inSize: number,
    k: number,
    o: { stride?: number; padding?: number; dilation?: number; outputPadding?: number },
  ) =>
    resolveConvTranspose2d([1, 1, inSize, 1], [1, 1, k, 1], null, {
      stride: [o.stride ?? 1, 1],
      padding: [o.padding ?? 0, 0],
      dilation: [o.dilation ?? 1, 1],
      outputPadding: [o.outputPadding ?? 0, 0],
    }).rows.phases;

  it('reads k4 s2 p1 phases as 2-tap correlations, kernel taps by input offset', () => {
    // Even outputs read inputs j - 1 (tap 3) and j (tap 1); odd ones j (tap 2) and j + 1 (tap 0).
    expect(rows(5, 4, { stride: 2, padding: 1 }).map(phaseCorrelation)).toEqual([
      { start: -1, kernel: [3, 1] },
      { start: 0, kernel: [2, 0] },
    ]);
  });

  it('gives every output the same sum as the phase taps', () => {
    for (const [k, stride, padding] of [
      [3, 1, 1],
      [9, 3, 4],
      [5, 2, 2],
      [2, 2, 0],
    ] as const) {
      for (const phase of rows(6, k, { stride, padding })) {
        const c = phaseCorrelation(phase)!;
        for (const t of phase.taps) expect(c.kernel[t.inputStart - c.start]).toBe(t.k);
        expect(c.kernel).toHaveLength(phase.taps.length);
      }
    }
  });

  it('is null when the taps skip inputs (dilation) or an output reads no input', () => {
    expect(phaseCorrelation(rows(6, 3, { dilation: 2 })[0]!)).toBeNull();
    // One input row, output padding 1: the last odd output lies beyond every tap's reach.
    const phases = rows(1, 4, { stride: 2, outputPadding: 1 });
    expect(phases.some((p) => phaseCorrelation(p) === null)).toBe(true);
  });
});
