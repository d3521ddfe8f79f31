import type { Heap } from './heap.js';

/** How many values a fingerprint samples: enough to notice `fill`, `set` or a re-initialisation. */
const SAMPLES = 32;

interface Entry {
  readonly data: Float32Array;
  readonly key: string;
  readonly ptr: number;
  readonly bytes: number;
  readonly fingerprint: Float32Array;
}

/**
 * Packed weights in wasm memory, keyed by the weight's data array and the packing layout.
 *
 * Weights are treated as immutable while cached: an entry is reused when the same `Float32Array` comes
 * again with the same layout and a sample of its values is unchanged (a cheap check that catches
 * whole-tensor rewrites, not a single edited value: pass a new array, or call `forget`, after editing
 * weights in place). Entries beyond `budgetBytes` are evicted least recently used first.
 */
export class WeightCache {
  private readonly byData = new WeakMap<Float32Array, Map<string, Entry>>();
  /** Insertion order is recency order. */
  private readonly recent = new Set<Entry>();
  private total = 0;

  constructor(
    private readonly heap: Heap,
    private readonly budgetBytes: number,
  ) {}

  /** The address of `data` packed under `key`, packing it with `pack` when not cached. */
  get(data: Float32Array, key: string, floats: number, pack: (out: Float32Array) => void): number {
    const entries = this.byData.get(data);
    const hit = entries?.get(key);
    if (hit && sameSample(hit.fingerprint, data)) {
      this.recent.delete(hit);
      this.recent.add(hit);
      return hit.ptr;
    }
    if (hit) this.remove(hit);
    const bytes = floats * 4;
    this.evict(bytes);
    const ptr = this.heap.alloc(bytes);
    pack(this.heap.f32(ptr, floats));
    const entry: Entry = { data, key, ptr, bytes, fingerprint: sample(data) };
    const map = entries ?? new Map<string, Entry>();
    map.set(key, entry);
    this.byData.set(data, map);
    this.recent.add(entry);
    this.total += bytes;
    return ptr;
  }

  /** Drops every packed copy of `data`. */
  forget(data: Float32Array): void {
    for (const entry of this.byData.get(data)?.values() ?? []) this.remove(entry);
  }

  clear(): void {
    for (const entry of [...this.recent]) this.remove(entry);
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
    this.heap.release(entry.ptr);
    this.total -= entry.bytes;
  }
}

function sample(data: Float32Array): Float32Array {
  const n = Math.min(SAMPLES, data.length);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = data[Math.floor((i * (data.length - 1)) / Math.max(1, n - 1))]!;
  return out;
}

function sameSample(fingerprint: Float32Array, data: Float32Array): boolean {
  const now = sample(data);
  for (let i = 0; i < now.length; i++) if (!Object.is(now[i], fingerprint[i])) return false;
  return true;
}
