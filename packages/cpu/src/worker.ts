/**
 * Worker entry (Node `worker_threads` or a module Web Worker): takes units of each posted call from
 * the shared counter until none is left, then replies. It imports nothing outside this package.
 */
import { runSharedUnits } from './compute.js';
import type { JobMessage, ReplyMessage } from './messages.js';

function handle(job: JobMessage): ReplyMessage {
  try {
    return { id: job.id, done: runSharedUnits(job.work, job.buffers, job.counter) };
  } catch (error) {
    return { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

interface WebWorkerScope {
  onmessage: ((event: { data: JobMessage }) => void) | null;
  postMessage(message: ReplyMessage): void;
}

if (typeof process !== 'undefined' && process.versions?.node) {
  const { parentPort } = await import('node:worker_threads');
  parentPort?.on('message', (job: JobMessage) => parentPort.postMessage(handle(job)));
} else {
  const scope = globalThis as unknown as WebWorkerScope;
  scope.onmessage = (event) => scope.postMessage(handle(event.data));
}
