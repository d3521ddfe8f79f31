/**
 * The worker script, as source text so that it needs no file of its own: Node runs it with
 * `new Worker(source, { eval: true })`, browsers from a Blob URL. It instantiates the kernel module
 * on the shared memory it is sent, then serves jobs: it waits on the pool's control words until the
 * generation changes, counts itself in, and runs the job only if it is still open (a worker that
 * wakes after the caller finished must not touch a job whose memory may be reused). It spins a
 * little before it sleeps (`Atomics.wait`): layers come back to back, and waking a sleeping thread
 * costs tens to hundreds of microseconds, as much as a small layer's whole share. Both are far
 * cheaper than a message round trip.
 * Control word indices are those of `CONTROL` in src/layout.ts.
 */
export const WORKER_SOURCE = `
const port = typeof require === 'function' ? require('node:worker_threads').parentPort : self;
const GENERATION = 0, JOB = 1, INSIDE = 2, STOP = 3, FAILED = 4, OPEN = 5;
const SPIN_MS = 0.5;
function serve(kernel, control, seen) {
  for (;;) {
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(control, GENERATION) === seen && performance.now() < spinUntil) {}
    Atomics.wait(control, GENERATION, seen);
    const generation = Atomics.load(control, GENERATION);
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(control, STOP)) return;
    // Count in first, then check: the caller closes, then waits for those inside (sequentially
    // consistent atomics: either it sees this worker inside, or this worker sees the job closed).
    Atomics.add(control, INSIDE, 1);
    if (Atomics.load(control, OPEN) === 1) {
      try {
        kernel.run(Atomics.load(control, JOB));
      } catch (error) {
        Atomics.store(control, FAILED, 1);
        port.postMessage({ type: 'error', message: String((error && error.stack) || error) });
      }
    }
    if (Atomics.sub(control, INSIDE, 1) === 1) Atomics.notify(control, INSIDE);
  }
}
function handle(message) {
  if (message.type !== 'init') return;
  try {
    const kernel = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports;
    const control = new Int32Array(message.memory.buffer, message.control, 8);
    // Read before announcing readiness: a job published right after 'ready' must not be missed.
    const seen = Atomics.load(control, GENERATION);
    port.postMessage({ type: 'ready' });
    serve(kernel, control, seen);
  } catch (error) {
    port.postMessage({ type: 'error', message: String((error && error.stack) || error) });
  }
}
if (typeof require === 'function') port.on('message', handle);
else port.onmessage = (event) => handle(event.data);
`;
