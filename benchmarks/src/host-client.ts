import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostReply, HostRequest, InitReply, PrepareReply, ReleaseReply, RunReply } from './host.js';
import type { Workload } from './workloads.js';

/** A request the runner refused: `unsupported` for a workload outside its features. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly unsupported: boolean,
  ) {
    super(message);
  }
}

const HOST_PATH = fileURLToPath(new URL('./host.js', import.meta.url));
const STDERR_TAIL = 600;
/** A request that takes longer than this has hung (a stuck worker pool, a GL context): kill its process. */
const REQUEST_TIMEOUT_MS = 180_000;

/** Every live child, killed when the parent exits (also on Ctrl-C, see cli.ts) so none is left busy. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The parent's handle on one runner's child process. */
export class HostClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 0;
  private stderr = '';
  private exited: string | undefined;

  /**
   * With `xvfb`, the process runs under `xvfb-run -a` (a virtual X display for gpu.js headlessgl);
   * `nodeFlags` are passed to its Node.
   */
  constructor(runnerId: string, options: { xvfb?: boolean; nodeFlags?: readonly string[] } = {}) {
    const nodeFlags = options.nodeFlags ?? [];
    this.child = fork(HOST_PATH, [runnerId], {
      execArgv: [...nodeFlags],
      serialization: 'advanced', // typed arrays cross without JSON
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // xvfb-run execs its command, which inherits the IPC channel.
      ...(options.xvfb ? { execPath: 'xvfb-run', execArgv: ['-a', process.execPath, ...nodeFlags] } : {}),
    });
    live.add(this.child);
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    this.child.on('message', (reply: HostReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new HostError(reply.error, reply.unsupported));
    });
    this.child.on('exit', (code, signal) => {
      live.delete(this.child);
      const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
      this.exited = `process exited (${signal ?? code})${tail ? `: ${tail}` : ''}`;
      for (const waiter of this.pending.values()) waiter.reject(new HostError(this.exited, false));
      this.pending.clear();
    });
  }

  private request<T>(request: HostRequest): Promise<T> {
    if (this.exited) return Promise.reject(new HostError(this.exited, false));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stderr += `\n${request.op} timed out after ${REQUEST_TIMEOUT_MS / 1000} s`;
        this.child.kill('SIGKILL');
      }, REQUEST_TIMEOUT_MS);
      const settle =
        <A>(f: (a: A) => void) =>
        (a: A) => {
          clearTimeout(timer);
          f(a);
        };
      this.pending.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) });
      this.child.send({ ...request, id });
    });
  }

  init(): Promise<InitReply> {
    return this.request({ op: 'init' });
  }
  prepare(workload: Workload, seed: number): Promise<PrepareReply> {
    return this.request({ op: 'prepare', workload, seed });
  }
  run(reps: number, warmupMs: number): Promise<RunReply> {
    return this.request({ op: 'run', reps, warmupMs });
  }
  release(): Promise<ReleaseReply> {
    return this.request({ op: 'release' });
  }

  close(): void {
    if (!this.exited) this.child.disconnect();
  }
}
