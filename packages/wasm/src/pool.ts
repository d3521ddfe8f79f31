import type { Kernel } from './kernel.js';
import { CONTROL, CONTROL_ADDRESS, CONTROL_WORDS, JOB } from './layout.js';
import { WORKER_SOURCE } from './worker-source.js';

/** How long the caller spins for the workers' last chunks before it yields to the event loop. */
const SPIN_MS = 0.5;
/** How often an asynchronous wait checks whether a worker died. */
const POLL_MS = 50;

/** `Atomics.waitAsync` (ES2024) where the runtime has it; a timer poll stands in otherwise. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync?: (
      array: Int32Array,
      index: number,
      value: number,
      timeout: number,
    ) => { async: boolean; value: unknown };
  }
).waitAsync;

export interface WorkerMessage {
  readonly type: 'ready' | 'error';
  readonly message?: string;
}

/** The little a pool needs from a Node or a browser worker. */
export interface WorkerHandle {
  post(message: unknown): void;
  /** Keeps the Node process alive while a reply is awaited (no-op in browsers). */
  hold(held: boolean): void;
  terminate(): Promise<unknown> | undefined;
}

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Workers that share the kernel's memory. The calling thread computes too: a job runs on the caller
 * and on every worker, which all claim work from the job's counter until none is left.
 *
 * Workers sleep on control words in the shared memory rather than waiting for messages: the caller
 * opens a job by bumping a generation and waking them (`Atomics.notify`). Once it has run out of
 * work it closes the job and waits only for the workers that got inside, spinning briefly (they
 * finish at most a chunk after it), then asynchronously, so that the event loop still sees a worker
 * die. A worker that wakes late finds the job closed and leaves it alone: the caller never waits
 * for a thread that the system has not scheduled yet, which on a busy machine can take milliseconds.
 */
export class WorkerPool {
  private failure: Error | null = null;
  private readonly control: Int32Array;

  private constructor(
    private readonly kernel: Kernel,
    private readonly workers: WorkerHandle[],
  ) {
    this.control = new Int32Array(kernel.memory.buffer, CONTROL_ADDRESS, CONTROL_WORDS);
  }

  /** Starts `count` workers and waits until each has instantiated the kernel. */
  static async start(kernel: Kernel, count: number, spawner?: Spawn): Promise<WorkerPool> {
    const spawn = spawner ?? (await workerFactory());
    let pool: WorkerPool | null = null;
    const ready: Promise<void>[] = [];
    const workers: WorkerHandle[] = [];
    new Int32Array(kernel.memory.buffer, CONTROL_ADDRESS, CONTROL_WORDS).fill(0);
    for (let i = 0; i < count; i++) {
      let started: Pending | null = null;
      ready.push(new Promise<void>((resolve, reject) => (started = { resolve, reject })));
      const handle = spawn(
        (message) => {
          if (message.type === 'ready') started?.resolve();
          else {
            const error = new Error(`@convt/wasm: a worker failed: ${message.message}`);
            started?.reject(error);
            pool?.fail(error);
          }
        },
        (error) => {
          started?.reject(error);
          pool?.fail(error);
        },
      );
      workers.push(handle);
    }
    pool = new WorkerPool(kernel, workers);
    const init = { type: 'init', module: kernel.module, memory: kernel.memory, control: CONTROL_ADDRESS };
    for (const worker of workers) worker.post(init);
    for (const worker of workers) worker.hold(true);
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    for (const worker of workers) worker.hold(false);
    return pool;
  }

  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Pads the job's input on this thread, then runs the job on every thread; rejects if a worker fails
   * or has failed. `meanwhile` runs on this thread after the padding, while the workers compute, and
   * before it joins them: work that must stay on this thread overlaps with theirs.
   */
  async run(job: number, meanwhile?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    const control = this.control;
    Atomics.store(control, CONTROL.job, job);
    Atomics.store(control, CONTROL.open, 1);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    for (const worker of this.workers) worker.hold(true);
    let failure: unknown = null;
    try {
      this.kernel.exports.pad(job);
      meanwhile?.();
      this.kernel.exports.run(job);
    } catch (error) {
      failure = error;
      // Release workers still waiting for the padding; the call rejects, so what they compute is unused.
      const padded = new Int32Array(this.kernel.memory.buffer, job + JOB.padded, 1);
      Atomics.store(padded, 0, 1);
      Atomics.notify(padded, 0);
    }
    // Wait for the workers inside even if this thread failed: they still write into the job's memory.
    Atomics.store(control, CONTROL.open, 0);
    try {
      await this.workersDone();
    } finally {
      for (const worker of this.workers) worker.hold(false);
    }
    if (failure) throw failure;
    if (Atomics.load(control, CONTROL.failed)) this.fail(new Error('@convt/wasm: a worker failed'));
    if (this.failure) throw this.failure;
  }

  async terminate(): Promise<void> {
    this.fail(new Error('@convt/wasm: the backend was disposed'));
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Resolves once no worker is inside the closed job; rejects once one has died. */
  private async workersDone(): Promise<void> {
    const control = this.control;
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(control, CONTROL.inside) !== 0 && performance.now() < spinUntil) {}
    for (;;) {
      const inside = Atomics.load(control, CONTROL.inside);
      if (inside === 0) return;
      if (this.failure) throw this.failure;
      const wait = waitAsync?.(control, CONTROL.inside, inside, POLL_MS);
      if (wait?.async) await wait.value;
      else if (!wait) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Marks the pool unusable: the call in flight and every later call reject. */
  private fail(error: Error): void {
    this.failure ??= error;
  }
}

export type Spawn = (
  onMessage: (message: WorkerMessage) => void,
  onFailure: (error: Error) => void,
) => WorkerHandle;

/** Node's `worker_threads` when present, Web Workers otherwise. */
export async function workerFactory(): Promise<Spawn> {
  if (typeof process !== 'undefined' && process.versions?.node) {
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(
      /* @vite-ignore */ /* webpackIgnore: true */ specifier
    )) as typeof import('node:worker_threads');
    return (onMessage, onFailure) => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      worker.on('message', onMessage);
      worker.on('error', (error) => onFailure(error instanceof Error ? error : new Error(String(error))));
      worker.on('exit', (code) => onFailure(new Error(`@convt/wasm: a worker exited with code ${code}`)));
      return {
        post: (message) => worker.postMessage(message),
        hold: (held) => {
          if (held) worker.ref();
          else worker.unref();
        },
        terminate: () => worker.terminate(),
      };
    };
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return (onMessage, onFailure) => {
    const worker = new Worker(url);
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => onMessage(event.data);
    worker.onerror = (event) => onFailure(new Error(`@convt/wasm: a worker failed: ${event.message}`));
    return {
      post: (message) => worker.postMessage(message),
      hold: () => {},
      terminate: () => {
        worker.terminate();
        return undefined;
      },
    };
  };
}
