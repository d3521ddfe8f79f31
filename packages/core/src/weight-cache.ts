/** Values a fingerprint samples: enough to notice `fill`, `set` or a re-initialisation. */
const SAMPLES = 64;

export interface CachedValue<V> {
  readonly value: V;
  /** False when the value was larger than the budget: built for this call, not kept (release it). */
  readonly kept: boolean;
}

interface Entry<V> {
  readonly data: Float32Array | Float64Array;
  readonly key: string;
  readonly bytes: number;
  readonly value: V;
  readonly fingerprint: Float64Array;
}

/**
 * What a backend derives from a weight tensor (its packed layouts), keyed by the weight's data array
 * and a layout key, least recently used evicted first beyond `budgetBytes`.
 *
 * Weights are treated as immutable while cached: an entry is reused when the same array comes again
 * with the same key and a sample of its values (the first, the last and 62 spread between) is
 * unchanged. That catches whole-tensor rewrites (`set`, `fill`, re-initialisation), not an edit of a
 * few values: after such an edit, pass a new array or call `forget`. `release` frees what an evicted
 * value holds (e.g. WebAssembly memory).
 */
export class WeightCache<V> {
  private readonly byData = new WeakMap<Float32Array | Float64Array, Map<string, Entry<V>>>();
  /** Insertion order is recency order. */
  private readonly recent = new Set<Entry<V>>();
  private total = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly release: (value: V) => void = () => {},
  ) {}

  /** The value derived from `data` under `key` (`bytes` large), built by `build` when not cached. */
  get(data: Float32Array | Float64Array, key: string, bytes: number, build: () => V): CachedValue<V> {
    const entries = this.byData.get(data);
    const hit = entries?.get(key);
    if (hit && sameSample(hit.fingerprint, data)) {
      this.recent.delete(hit);
      this.recent.add(hit);
      return { value: hit.value, kept: true };
    }
    if (hit) this.remove(hit);
    if (bytes > this.budgetBytes) return { value: build(), kept: false };
    // Evict before building, so the new value can reuse what the evicted ones held.
    this.evict(bytes);
    const entry: Entry<V> = { data, key, bytes, value: build(), fingerprint: sample(data) };
    const map = entries ?? new Map<string, Entry<V>>();
    map.set(key, entry);
    this.byData.set(data, map);
    this.recent.add(entry);
    this.total += bytes;
    return { value: entry.value, kept: true };
  }

  /** Drops every value derived from `data`. */
  forget(data: Float32Array | Float64Array): void {
    for (const entry of [...(this.byData.get(data)?.values() ?? [])]) this.remove(entry);
  }

  clear(): void {
    for (const entry of [...this.recent]) this.remove(entry);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.total;
  }

  private evict(incoming: number): void {
    for (const entry of this.recent) {
      if (this.total + incoming <= this.budgetBytes) return;
      this.remove(entry);
    }
  }

  private remove(entry: Entry<V>): void {
    if (!this.recent.delete(entry)) return;
    this.byData.get(entry.data)?.delete(entry.key);
    this.total -= entry.bytes;
    this.release(entry.value);
  }
}

function sampleIndex(i: number, n: number, length: number): number {
  return Math.floor((i * (length - 1)) / Math.max(1, n - 1));
}

function sample(data: Float32Array | Float64Array): Float64Array {
  const n = Math.min(SAMPLES, data.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = data[sampleIndex(i, n, data.length)]!;
  return out;
}

function sameSample(fingerprint: Float64Array, data: Float32Array | Float64Array): boolean {
  const n = fingerprint.length;
  if (n !== Math.min(SAMPLES, data.length)) return false;
  for (let i = 0; i < n; i++) {
    if (!Object.is(data[sampleIndex(i, n, data.length)], fingerprint[i])) return false;
  }
  return true;
}
