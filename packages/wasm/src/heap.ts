const PAGE = 65536;
const ALIGN = 16;
/**
 * Addresses below this are not allocated: 0 means "absent" in the job struct, and the pool's control
 * words live at `CONTROL_ADDRESS` (src/layout.ts).
 */
const BASE = 64;

interface Block {
  start: number;
  size: number;
}

/**
 * A first-fit allocator over the wasm memory, growing it on demand. Allocations are 16-byte aligned
 * (whole vectors); freed blocks merge with their neighbours.
 */
export class Heap {
  private readonly free: Block[] = [];
  private readonly sizes = new Map<number, number>();

  constructor(readonly memory: WebAssembly.Memory) {
    this.free.push({ start: BASE, size: memory.buffer.byteLength - BASE });
  }

  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let index = this.free.findIndex((b) => b.size >= size);
    if (index < 0) index = this.grow(size);
    const block = this.free[index]!;
    const start = block.start;
    block.start += size;
    block.size -= size;
    if (block.size === 0) this.free.splice(index, 1);
    this.sizes.set(start, size);
    return start;
  }

  release(start: number): void {
    const size = this.sizes.get(start);
    if (size === undefined) return;
    this.sizes.delete(start);
    let index = this.free.findIndex((b) => b.start > start);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { start, size });
    const next = this.free[index + 1];
    if (next && start + size === next.start) {
      this.free[index]!.size += next.size;
      this.free.splice(index + 1, 1);
    }
    const prev = this.free[index - 1];
    if (prev && prev.start + prev.size === start) {
      prev.size += this.free[index]!.size;
      this.free.splice(index, 1);
    }
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** Grows the memory so that a free block at its end holds `size` bytes; returns that block's index. */
  private grow(size: number): number {
    const end = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tail = last && last.start + last.size === end ? last.size : 0;
    // Grow by at least a quarter of the current size, so a sequence of larger calls grows rarely.
    const needed = Math.ceil((size - tail) / PAGE);
    let pages = Math.max(needed, Math.ceil(end / PAGE / 4));
    try {
      this.memory.grow(pages);
    } catch {
      pages = needed; // near the maximum: take only what this allocation needs
      this.memory.grow(pages);
    }
    if (tail) {
      last!.size += pages * PAGE;
    } else {
      this.free.push({ start: end, size: pages * PAGE });
    }
    return this.free.length - 1;
  }
}
