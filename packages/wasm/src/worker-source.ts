/**
 * The worker script, as source text so that it needs no file of its own: Node runs it with
 * `new Worker(source, { eval: true })`, browsers from a Blob URL. It instantiates the kernel module
 * on the shared memory it is sent, then runs jobs on request.
 */
export const WORKER_SOURCE = `
const port = typeof require === 'function' ? require('node:worker_threads').parentPort : self;
let kernel = null;
function handle(message) {
  try {
    if (message.type === 'init') {
      kernel = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports;
      port.postMessage({ type: 'ready' });
    } else if (message.type === 'run') {
      kernel.run(message.job);
      port.postMessage({ type: 'done', id: message.id });
    }
  } catch (error) {
    port.postMessage({ type: 'error', id: message.id, message: String((error && error.stack) || error) });
  }
}
if (typeof require === 'function') port.on('message', handle);
else port.onmessage = (event) => handle(event.data);
`;
