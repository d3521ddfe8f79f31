import { resolveConvTranspose2d } from '@convt/core';
import { describe, expect, it } from 'vitest';
import type { Buffers } from './kernel.js';
import { WorkerPool } from './pool.js';
import { spawnThread, type Thread } from './runtime.js';
import { planWork } from './work.js';

function job(units: number) {
  const shape = [1, 32, 64, 64];
  const plan = resolveConvTranspose2d(shape, [32, 32, 4, 4], null, { stride: 2, padding: 1 });
  const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
  const work = { ...planWork(plan, 2), units };
  const buffers: Buffers = {
    x: shared(32 * 64 * 64),
    packed: new Float64Array(new SharedArrayBuffer(work.layout.length * 8)),
    finite: true,
    b: null,
    out: shared(32 * 128 * 128),
  };
  return { work, buffers, counter: new Int32Array(new SharedArrayBuffer(8)) };
}

describe('WorkerPool', () => {
  it('resolves with the units its workers computed, each worker counting itself done', async () => {
    const pool = await WorkerPool.start(2);
    const call = job(16);
    const units = await pool.run(call);
    expect(units).toBe(16);
    expect(Atomics.load(call.counter, 1)).toBe(2);
    await pool.terminate();
  });

  it('rejects a call whose worker dies, and is then broken', async () => {
    const threads: Thread[] = [];
    const pool = await WorkerPool.start(2, async () => {
      const thread = await spawnThread();
      threads.push(thread);
      return thread;
    });
    const rejected = expect(pool.run(job(64))).rejects.toThrow(/worker thread exited/);
    await threads[0]!.terminate();
    await rejected;
    expect(pool.broken).toBe(true);
    await expect(pool.run(job(1))).rejects.toThrow(/worker thread exited/);
    await pool.terminate();
  });

  it('rejects calls in flight when terminated', async () => {
    const pool = await WorkerPool.start(1);
    const rejected = expect(pool.run(job(64))).rejects.toThrow(/disposed/);
    await pool.terminate();
    await rejected;
  });
});
