import { afterEach, describe, expect, it } from 'vitest';
import { Heap } from './heap.js';
import { instantiateKernel } from './kernel.js';
import { JOB, JOB_BYTES } from './layout.js';
import { type Spawn, type WorkerHandle, WorkerPool, workerFactory } from './pool.js';

/** Starts a pool whose worker handles the test can reach, to kill them. */
async function startPool(workers: number) {
  const kernel = await instantiateKernel(true, false);
  const spawnDefault = await workerFactory();
  const handles: WorkerHandle[] = [];
  const spawn: Spawn = (onMessage, onFailure) => {
    const handle = spawnDefault(onMessage, onFailure);
    handles.push(handle);
    return handle;
  };
  const pool = await WorkerPool.start(kernel, workers, spawn);
  return { kernel, pool, handles };
}

/** A job with no work units: every thread returns at once. */
function emptyJob(heap: Heap): number {
  const ptr = heap.alloc(JOB_BYTES);
  heap.i32(ptr, JOB_BYTES / 4).fill(0);
  heap.i32(ptr + JOB.chunk, 1)[0] = 1;
  return ptr;
}

describe('WorkerPool', () => {
  let pool: WorkerPool | null = null;
  afterEach(async () => {
    await pool?.terminate();
    pool = null;
  });

  it('runs a job on the caller and every worker', async () => {
    const started = await startPool(2);
    pool = started.pool;
    expect(pool.size).toBe(3);
    const heap = new Heap(started.kernel.memory);
    await expect(pool.run(emptyJob(heap))).resolves.toBeUndefined();
    await expect(pool.run(emptyJob(heap))).resolves.toBeUndefined();
  });

  it('rejects, without hanging, once a worker has died', async () => {
    const started = await startPool(1);
    pool = started.pool;
    const heap = new Heap(started.kernel.memory);
    await started.handles[0]!.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(pool.run(emptyJob(heap))).rejects.toThrow(/worker exited/);
  });

  it('rejects a call in flight when its worker dies', async () => {
    const started = await startPool(1);
    pool = started.pool;
    const heap = new Heap(started.kernel.memory);
    const running = pool.run(emptyJob(heap));
    await started.handles[0]!.terminate();
    // Either the worker finished first or its death rejected the call: it never hangs.
    const outcome = await running.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    expect(outcome === 'resolved' || /worker exited/.test(outcome)).toBe(true);
    await expect(pool.run(emptyJob(heap))).rejects.toThrow(/worker exited/);
  });
});
