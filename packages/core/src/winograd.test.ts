import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { toomCook } from './winograd.js';

/** `AT [(G g) ⊙ (BT d)]`. */
function winograd1d(m: number, r: number, g: Float64Array, d: Float64Array): number[] {
  const { n, AT, G, BT } = toomCook(m, r);
  const prod = Array.from({ length: n }, (_, i) => {
    let gi = 0;
    let di = 0;
    for (let k = 0; k < r; k++) gi += G[i * r + k]! * g[k]!;
    for (let k = 0; k < n; k++) di += BT[i * n + k]! * d[k]!;
    return gi * di;
  });
  return Array.from({ length: m }, (_, i) => prod.reduce((s, p, k) => s + AT[i * n + k]! * p, 0));
}

function random(length: number, seed: number): Float64Array {
  const a = new Float64Array(length);
  new Random(seed).fill(a, -1, 1);
  return a;
}

describe('toomCook', () => {
  const sizes = [1, 2, 3, 4, 6].flatMap((m) => [2, 3].map((r) => [m, r] as const));

  it.each(sizes)('F(%i, %i) is a correlation', (m, r) => {
    for (let seed = 1; seed <= 20; seed++) {
      const g = random(r, seed);
      const d = random(m + r - 1, 100 + seed);
      const y = winograd1d(m, r, g, d);
      for (let i = 0; i < m; i++) {
        let direct = 0;
        for (let k = 0; k < r; k++) direct += g[k]! * d[i + k]!;
        expect(Math.abs(y[i]! - direct)).toBeLessThan(1e-13);
      }
    }
  });

  it.each(sizes)('F(%i, %i) gives each output exactly its taps (unit inputs)', (m, r) => {
    // With one filter tap and one input set to 1, output i is 1 iff the tap reads that input.
    for (let k = 0; k < r; k++) {
      for (let e = 0; e < m + r - 1; e++) {
        const g = new Float64Array(r);
        const d = new Float64Array(m + r - 1);
        g[k] = 1;
        d[e] = 1;
        const y = winograd1d(m, r, g, d);
        for (let i = 0; i < m; i++) expect(y[i]).toBeCloseTo(i + k === e ? 1 : 0, 13);
      }
    }
  });

  it('keeps the fractions in G: the per-tile transforms hold small integers for integer points', () => {
    const { AT, BT } = toomCook(2, 3);
    for (const v of [...AT, ...BT]) expect(Number.isInteger(v)).toBe(true);
    expect(Array.from(toomCook(4, 2).BT).every((v) => Number.isInteger(v))).toBe(true);
  });

  it('rejects sizes beyond its points', () => {
    expect(() => toomCook(12, 3)).toThrow(RangeError);
  });
});
