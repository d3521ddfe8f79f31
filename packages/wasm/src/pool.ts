import type { Kernel } from './kernel.js';
import { WORKER_SOURCE } from './worker-source.js';

export interface WorkerMessage {
  readonly type: 'ready' | 'done' | 'error';
  readonly id?: number;
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
 */
export class WorkerPool {
  private readonly pending = new Map<WorkerHandle, Pending>();
  private failure: Error | null = null;
  private nextId = 0;

  private constructor(
    private readonly kernel: Kernel,
    private readonly workers: WorkerHandle[],
  ) {}

  /** Starts `count` workers and waits until each has instantiated the kernel. */
  static async start(kernel: Kernel, count: number, spawner?: Spawn): Promise<WorkerPool> {
    const spawn = spawner ?? (await workerFactory());
    let pool: WorkerPool | null = null;
    const ready: Promise<void>[] = [];
    const workers: WorkerHandle[] = [];
    for (let i = 0; i < count; i++) {
      let started: Pending | null = null;
      ready.push(new Promise<void>((resolve, reject) => (started = { resolve, reject })));
      const handle = spawn(
        (message) => {
          if (message.type === 'ready') started?.resolve();
          else pool?.settle(handle, message);
        },
        (error) => {
          started?.reject(error);
          pool?.fail(error);
        },
      );
      workers.push(handle);
    }
    pool = new WorkerPool(kernel, workers);
    for (const worker of workers) worker.post({ type: 'init', module: kernel.module, memory: kernel.memory });
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

  /** Runs the job at `job` on every thread; rejects if a worker fails or has failed. */
  async run(job: number): Promise<void> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const done = this.workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          this.pending.set(worker, { resolve, reject });
          worker.hold(true);
          worker.post({ type: 'run', job, id });
        }),
    );
    let failure: unknown = null;
    try {
      this.kernel.exports.run(job);
    } catch (error) {
      failure = error;
    }
    // Wait for the workers even if this thread failed: they still write into the job's memory.
    const results = await Promise.allSettled(done);
    for (const worker of this.workers) worker.hold(false);
    if (failure) throw failure;
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  async terminate(): Promise<void> {
    this.fail(new Error('@convt/wasm: the backend was disposed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(worker: WorkerHandle, message: WorkerMessage): void {
    if (message.type !== 'done') {
      this.fail(new Error(`@convt/wasm: a worker failed: ${message.message}`));
      return;
    }
    this.pending.get(worker)?.resolve();
    this.pending.delete(worker);
  }

  /** Marks the pool unusable and rejects every call in flight. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
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
