/**
 * Worker entry (Node `worker_threads` or a module Web Worker): takes units of each posted call from
 * the shared counter until none is left, then replies. It imports nothing outside this package.
 */
import { runSharedUnits } from './compute.js';
import type { JobMessage, ReplyMessage } from './messages.js';

/** How long a Node worker keeps polling for the next job before it returns to its event loop. */
const SPIN_MS = 0.5;

function handle(job: JobMessage): ReplyMessage {
  try {
    const done = runSharedUnits(job.work, job.buffers, job.counter);
    Atomics.add(job.counter, 1, 1);
    return { id: job.id, done };
  } catch (error) {
    return { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

interface WebWorkerScope {
  onmessage: ((event: { data: JobMessage }) => void) | null;
  postMessage(message: ReplyMessage): void;
}

if (typeof process !== 'undefined' && process.versions?.node) {
  const { parentPort, receiveMessageOnPort } = await import('node:worker_threads');
  // Layers come back to back, and waking an idle thread costs tens to hundreds of microseconds: after
  // a job, poll for the next one a little while before the event loop goes idle.
  parentPort?.on('message', (first: JobMessage) => {
    let job: JobMessage | undefined = first;
    while (job) {
      parentPort.postMessage(handle(job));
      job = undefined;
      const until = performance.now() + SPIN_MS;
      while (!job && performance.now() < until) job = receiveMessageOnPort(parentPort)?.message;
    }
  });
} else {
  const scope = globalThis as unknown as WebWorkerScope;
  scope.onmessage = (event) => scope.postMessage(handle(event.data));
}
