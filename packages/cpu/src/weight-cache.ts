import type { Data } from './blocks.js';

/** Values a fingerprint samples: enough to notice `fill`, `set` or a re-initialisation. */
const SAMPLES = 64;

/** A layer's weights packed for the kernels (see `Layout`), and whether they are all finite. */
export interface PackedWeights {
  readonly packed: Float64Array;
  readonly finite: boolean;
}

interface Entry extends PackedWeights {
  readonly data: Data;
  readonly key: string;
  readonly bytes: number;
  readonly fingerprint: Float64Array;
}

/**
 * Packed weights keyed by the weight's data array and the packing layout, least recently used
 * evicted first beyond `budgetBytes`.
 *
 * Weights are treated as immutable while cached: an entry is reused when the same array comes again
 * with the same layout and a sample of its values (the first, the last and 62 spread between) is
 * unchanged. That catches whole-tensor rewrites (`set`, `fill`, re-initialisation), not an edit of a
 * few values: after such an edit, pass a new array or call `forget`. A packed form larger than the
 * budget is built for the call and not kept. With `shared`, packed forms live in shared memory so
 * that workers read them in place.
 */
export class WeightCache {
  private readonly byData = new WeakMap<Data, Map<string, Entry>>();
  /** Insertion order is recency order. */
  private readonly recent = new Set<Entry>();
  private total = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly shared: boolean,
  ) {}

  /** `data` packed under `key` into `length` doubles, packing it with `pack` when not cached. */
  get(data: Data, key: string, length: number, pack: (packed: Float64Array) => boolean): PackedWeights {
    const entries = this.byData.get(data);
    const hit = entries?.get(key);
    if (hit && sameSample(hit.fingerprint, data)) {
      this.recent.delete(hit);
      this.recent.add(hit);
      return hit;
    }
    if (hit) this.remove(hit);
    const bytes = length * 8;
    const packed = new Float64Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const finite = pack(packed);
    if (bytes > this.budgetBytes) return { packed, finite };
    this.evict(bytes);
    const entry: Entry = { data, key, bytes, packed, finite, fingerprint: sample(data) };
    const map = entries ?? new Map<string, Entry>();
    map.set(key, entry);
    this.byData.set(data, map);
    this.recent.add(entry);
    this.total += bytes;
    return entry;
  }

  /** Drops every packed form of `data`. */
  forget(data: Data): void {
    for (const entry of [...(this.byData.get(data)?.values() ?? [])]) this.remove(entry);
  }

  clear(): void {
    for (const entry of [...this.recent]) this.remove(entry);
  }

  /** Bytes of packed weights held. */
  get bytes(): number {
    return this.total;
  }

  private evict(incoming: number): void {
    for (const entry of this.recent) {
      if (this.total + incoming <= this.budgetBytes) return;
      this.remove(entry);
    }
  }

  private remove(entry: Entry): void {
    if (!this.recent.delete(entry)) return;
    this.byData.get(entry.data)?.delete(entry.key);
    this.total -= entry.bytes;
  }
}

function sample(data: Data): Float64Array {
  const n = Math.min(SAMPLES, data.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = data[Math.floor((i * (data.length - 1)) / Math.max(1, n - 1))]!;
  return out;
}

function sameSample(fingerprint: Float64Array, data: Data): boolean {
  const n = fingerprint.length;
  if (n !== Math.min(SAMPLES, data.length)) return false;
  for (let i = 0; i < n; i++) {
    const v = data[Math.floor((i * (data.length - 1)) / Math.max(1, n - 1))]!;
    if (!Object.is(v, fingerprint[i])) return false;
  }
  return true;
}
