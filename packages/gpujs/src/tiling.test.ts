import { type ConvTranspose2dOptions, resolveConvTranspose2d } from '@convt/core';
import { describe, expect, test } from 'vitest';
import { inputRowsRead, planTiles, type Range, type Tile } from './tiling.js';

const plan = (input: number[], weight: number[], options: ConvTranspose2dOptions = {}) =>
  resolveConvTranspose2d(input, weight, null, options);

const span = (r: Range) => r[1] - r[0];

/** Every output cell lies in exactly one tile, and no launch exceeds the limit. */
function expectPartition(p: ReturnType<typeof plan>, tiles: Tile[], limit: number): void {
  const covered = new Uint8Array(p.batch * p.outChannels * p.outHeight);
  for (const t of tiles) {
    expect(span(t.batch) * span(t.channels) * span(t.rows) * p.outWidth).toBeLessThanOrEqual(limit);
    expect(span(t.batch) * span(t.inChannels) * span(t.inRows) * p.inWidth).toBeLessThanOrEqual(limit);
    expect(span(t.inChannels) * t.channelsPerGroup * p.kernelHeight * p.kernelWidth).toBeLessThanOrEqual(
      limit,
    );
    for (let n = t.batch[0]; n < t.batch[1]; n++)
      for (let c = t.channels[0]; c < t.channels[1]; c++)
        for (let r = t.rows[0]; r < t.rows[1]; r++) covered[(n * p.outChannels + c) * p.outHeight + r]! += 1;
  }
  expect(covered.every((v) => v === 1)).toBe(true);
}

describe('planTiles', () => {
  test('one tile when everything fits', () => {
    const p = plan([2, 4, 5, 5], [4, 3, 3, 3], { stride: 2 });
    expect(planTiles(p, 2 ** 22)).toHaveLength(1);
  });

  test('splits by batch first', () => {
    const p = plan([5, 2, 4, 4], [2, 2, 2, 2], { stride: 2 }); // 2*8*8 = 128 output cells per image
    const tiles = planTiles(p, 256);
    expect(tiles.map((t) => t.batch)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    expectPartition(p, tiles, 256);
  });

  test('splits by whole groups, then inside a group', () => {
    const grouped = plan([1, 8, 4, 4], [8, 3, 2, 2], { stride: 2, groups: 4 }); // 3 channels of 64 per group
    const byGroups = planTiles(grouped, 400);
    expect(byGroups.map((t) => [t.channels, t.inChannels])).toEqual([
      [
        [0, 6],
        [0, 4],
      ],
      [
        [6, 12],
        [4, 8],
      ],
    ]);
    expectPartition(grouped, byGroups, 400);

    const inside = planTiles(grouped, 150);
    expect(inside.map((t) => [t.channels, t.channelsPerGroup, t.groupChannelOffset]).slice(0, 2)).toEqual([
      [[0, 2], 2, 0],
      [[2, 3], 1, 2],
    ]);
    expectPartition(grouped, inside, 150);
  });

  test('splits by rows last, each row tile reading only the input rows it needs', () => {
    const p = plan([1, 2, 30, 7], [2, 1, 5, 3], {
      stride: [3, 1],
      padding: [4, 1],
      dilation: [2, 1],
      outputPadding: [2, 0],
    });
    const limit = 10 * p.outWidth;
    const tiles = planTiles(p, limit);
    expect(tiles.length).toBeGreaterThan(1);
    expect(tiles.every((t) => span(t.rows) <= 10 && span(t.inRows) < p.inHeight)).toBe(true);
    expectPartition(p, tiles, limit);
  });

  test('rejects a single output row wider than the limit', () => {
    const p = plan([1, 1, 1, 100], [1, 1, 1, 1]);
    expect(() => planTiles(p, 50)).toThrow(/NOT_SUPPORTED/);
  });
});

describe('inputRowsRead', () => {
  // From the definition: output row o reads input row i through tap k when o + padding = i * stride + k * dilation.
  function brute(p: ReturnType<typeof plan>, [r0, r1]: Range): Range | null {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let o = r0; o < r1; o++)
      for (let k = 0; k < p.kernelHeight; k++) {
        const v = o + p.padding[0] - k * p.dilation[0];
        if (v % p.stride[0] !== 0) continue;
        const i = v / p.stride[0];
        if (i < 0 || i >= p.inHeight) continue;
        lo = Math.min(lo, i);
        hi = Math.max(hi, i + 1);
      }
    return lo < hi ? [lo, hi] : null;
  }

  test.each([
    [{ stride: 2, padding: 1 }, [6, 4]],
    [{ stride: 3, padding: 4, outputPadding: 2, dilation: 2 }, [9, 5]],
    [{ stride: 1, padding: 2, dilation: 3 }, [7, 3]],
    [{ stride: 4, padding: 0 }, [5, 2]],
  ] as const)('matches the definition for %j', (options, [inH, k]) => {
    const p = plan([1, 1, inH, 9], [1, 1, k, 1], options);
    for (let r0 = 0; r0 < p.outHeight; r0++)
      for (let r1 = r0 + 1; r1 <= p.outHeight; r1++) {
        const expected = brute(p, [r0, r1]);
        const actual = inputRowsRead(p, [r0, r1]);
        if (expected) expect(actual).toEqual(expected);
        else expect(actual).toEqual([0, 1]);
      }
  });
});
