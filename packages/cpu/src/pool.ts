import type { JobMessage, ReplyMessage } from './messages.js';
import { spawnThread, type Thread } from './runtime.js';

interface Pending {
  remaining: number;
  units: number;
  resolve(units: number): void;
  reject(error: Error): void;
}

/**
 * A fixed set of worker threads that all join each posted job. If one dies, every job in flight is
 * rejected with the reason and the pool is marked broken (the owner then starts a fresh one).
 */
export class WorkerPool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  private constructor(private readonly threads: readonly Thread[]) {
    for (const thread of threads)
      thread.listen(
        (reply) => this.onReply(reply),
        (error) => this.fail(error),
      );
  }

  static async start(size: number, spawn: () => Promise<Thread> = spawnThread): Promise<WorkerPool> {
    const threads = await Promise.all(Array.from({ length: size }, spawn));
    return new WorkerPool(threads);
  }

  get size(): number {
    return this.threads.length;
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  /** Posts the job to every thread; resolves with the units they computed once all have replied. */
  run(job: Omit<JobMessage, 'id'>): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const done = new Promise<number>((resolve, reject) => {
      this.pending.set(id, { remaining: this.threads.length, units: 0, resolve, reject });
    });
    if (this.pending.size === 1) for (const thread of this.threads) thread.hold(true);
    for (const thread of this.threads) thread.post({ ...job, id });
    return done;
  }

  async terminate(): Promise<void> {
    this.fail(new Error('@convt/cpu: the backend was disposed'));
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  private onReply(reply: ReplyMessage): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    if ('error' in reply) {
      this.settle(reply.id);
      job.reject(new Error(`@convt/cpu: a worker failed: ${reply.error}`));
      return;
    }
    job.units += reply.done;
    if (--job.remaining === 0) {
      this.settle(reply.id);
      job.resolve(job.units);
    }
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) for (const thread of this.threads) thread.hold(false);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const thread of this.threads) thread.hold(false);
    for (const job of jobs) job.reject(error);
  }
}
