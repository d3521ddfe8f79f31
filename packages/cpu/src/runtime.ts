import type { JobMessage, ReplyMessage } from './messages.js';

/**
 * The two places a worker can come from: Node's `worker_threads` and a browser's module Web Workers.
 * Everything platform-specific lives here; the pool sees only `Thread`.
 */
export interface Thread {
  post(job: JobMessage): void;
  /** `onDeath` fires once when the thread fails or exits, whatever the reason. */
  listen(onReply: (reply: ReplyMessage) => void, onDeath: (error: Error) => void): void;
  /** Whether the thread keeps a Node process alive (only while a call waits on it). */
  hold(busy: boolean): void;
  terminate(): Promise<void>;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Threads need shared memory: always there in Node, only in cross-origin isolated pages. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (isNode) return true;
  return (
    typeof Worker === 'function' &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

/** The cores the runtime reports. */
export async function reportedCores(): Promise<number> {
  if (isNode) {
    const os = await import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

export async function spawnThread(): Promise<Thread> {
  return isNode ? spawnNode() : spawnWeb();
}

/**
 * The worker script next to this module; when this module runs from `src` (tests against the
 * TypeScript sources), the built one in `dist`, since a worker cannot load TypeScript.
 */
async function nodeWorkerUrl(): Promise<URL> {
  const { existsSync } = await import('node:fs');
  const candidates = [new URL('./worker.js', import.meta.url), new URL('../dist/worker.js', import.meta.url)];
  const found = candidates.find((url) => existsSync(url));
  if (!found) {
    throw new Error(
      `@convt/cpu: worker script not found (looked for ${candidates.map((u) => u.pathname).join(', ')}); build the package first`,
    );
  }
  return found;
}

async function spawnNode(): Promise<Thread> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(await nodeWorkerUrl());
  worker.unref();
  return {
    post: (job) => worker.postMessage(job),
    listen(onReply, onDeath) {
      let dead = false;
      const die = (error: Error): void => {
        if (dead) return;
        dead = true;
        onDeath(error);
      };
      worker.on('message', onReply);
      worker.on('error', (error) => die(error instanceof Error ? error : new Error(String(error))));
      worker.on('messageerror', (error) => die(error));
      worker.on('exit', (code) => die(new Error(`@convt/cpu: a worker thread exited with code ${code}`)));
    },
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    async terminate() {
      await worker.terminate();
    },
  };
}

async function spawnWeb(): Promise<Thread> {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return {
    post: (job) => worker.postMessage(job),
    listen(onReply, onDeath) {
      let dead = false;
      const die = (error: Error): void => {
        if (dead) return;
        dead = true;
        onDeath(error);
      };
      worker.onmessage = (event: MessageEvent<ReplyMessage>) => onReply(event.data);
      worker.onerror = (event) => die(new Error(`@convt/cpu: a worker failed: ${event.message}`));
      worker.onmessageerror = () => die(new Error('@convt/cpu: a worker could not read a message'));
    },
    hold: () => {},
    async terminate() {
      worker.terminate();
    },
  };
}
