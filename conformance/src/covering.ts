import { Random } from '@convt/core';

/** One swept parameter and the values it takes. */
export interface Factor {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * Says whether a partial assignment can still be completed: `row[f]` is a value index, or -1 while
 * factor `f` is unassigned. Must return true for any partial row that some completion satisfies.
 */
export type Constraint = (row: readonly number[]) => boolean;

export interface CoveringSpec {
  readonly factors: readonly Factor[];
  /**
   * Sets of factor indices whose every combination of values must appear in some row: all pairs
   * gives a pairwise design; a larger set asks for a higher strength among those factors.
   */
  readonly interactions: readonly (readonly number[])[];
  readonly allowed: Constraint;
  readonly seed: number;
}

/**
 * A greedy covering array (in the spirit of AETG): each new row starts from a combination not yet
 * covered and fills the other factors one by one with the allowed value that covers the most new
 * combinations. The full cross product of a dozen factors is millions of rows; this is a few hundred.
 * Deterministic for a given seed.
 */
export function coveringArray(spec: CoveringSpec): number[][] {
  const { factors, interactions, allowed } = spec;
  const random = new Random(spec.seed);
  const uncovered = new Map<string, readonly [number, number][]>();
  for (const set of interactions) {
    for (const tuple of combinations(set, factors)) {
      const row = factors.map(() => -1);
      for (const [f, v] of tuple) row[f] = v;
      if (allowed(row)) uncovered.set(keyOf(tuple), tuple);
    }
  }
  const touching = factors.map((_, f) => interactions.filter((set) => set.includes(f)));

  const rows: number[][] = [];
  while (uncovered.size > 0) {
    const [, seed] = uncovered.entries().next().value as [string, readonly [number, number][]];
    const row = factors.map(() => -1);
    for (const [f, v] of seed) row[f] = v;
    const order = shuffle(
      factors.map((_, f) => f).filter((f) => row[f] === -1),
      random,
    );
    for (const f of order) {
      let best: number[] = [];
      let bestScore = -1;
      for (let v = 0; v < factors[f]!.values.length; v++) {
        row[f] = v;
        if (!allowed(row)) continue;
        let score = 0;
        for (const set of touching[f]!) {
          if (set.every((g) => row[g] !== -1) && uncovered.has(keyOf(set.map((g) => [g, row[g]!])))) score++;
        }
        if (score > bestScore) [best, bestScore] = [[v], score];
        else if (score === bestScore) best.push(v);
      }
      if (best.length === 0) throw new Error(`covering array: no allowed value for ${factors[f]!.name}`);
      row[f] = best[Math.floor(random.next() * best.length)]!;
    }
    for (const set of interactions) uncovered.delete(keyOf(set.map((g) => [g, row[g]!])));
    rows.push(row);
  }
  return rows;
}

function* combinations(set: readonly number[], factors: readonly Factor[]): Generator<[number, number][]> {
  const sorted = [...set].sort((a, b) => a - b);
  const index = sorted.map(() => 0);
  while (true) {
    yield sorted.map((f, i) => [f, index[i]!]);
    let i = sorted.length - 1;
    while (i >= 0 && ++index[i]! === factors[sorted[i]!]!.values.length) index[i--] = 0;
    if (i < 0) return;
  }
}

function keyOf(tuple: readonly (readonly [number, number])[]): string {
  return [...tuple]
    .sort((a, b) => a[0] - b[0])
    .map(([f, v]) => `${f}=${v}`)
    .join('|');
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
