// Runs the conformance suite on one gpu.js mode inside the page; the Node side reads the summary.
import { runConformance } from '@convt/conformance';
import { createBackend } from '@convt/gpujs';

window.runSuite = async (mode, { quick = true, maxTileCells } = {}) => {
  const backend = await createBackend({ mode, ...(maxTileCells ? { maxTileCells } : {}) });
  try {
    const report = await runConformance(backend, { quick });
    return {
      backend: report.backend,
      capabilities: backend.capabilities,
      total: report.total,
      passed: report.passed,
      valid: report.valid,
      invalid: report.invalid,
      failures: report.failures.map((f) => `${f.name}: ${f.message}`),
      compiledKernels: backend.compiledKernels,
      ms: report.ms,
    };
  } finally {
    await backend.dispose();
  }
};
window.pageReady = true;

// One launch of 2^22 output cells (the default tile limit): the largest untiled dispatch.
window.runLarge = async (mode) => {
  const { convTranspose2d, tensor } = await import('@convt/core');
  const { checkOutput, errorBounds } = await import('@convt/conformance');
  const backend = await createBackend({ mode });
  try {
    const fill = (n, f) => Float32Array.from({ length: n }, (_, i) => f(i));
    const input = tensor(
      fill(1024 * 1024, (i) => Math.sin(i * 0.37)),
      [1, 1, 1024, 1024],
    );
    const weight = tensor(
      fill(4, (i) => 0.5 - i * 0.3),
      [1, 1, 2, 2],
    );
    const options = { stride: 2 };
    const actual = await backend.convTranspose2d(input, weight, null, options);
    const wide = (t) => ({ shape: t.shape, data: Float64Array.from(t.data) });
    const expected = convTranspose2d(wide(input), wide(weight), null, options).data;
    const u = backend.capabilities.precision.float32;
    const bounds = errorBounds(wide(input), wide(weight), null, options, expected, u, 'float32');
    const verdict = checkOutput(actual, [1, 1, 2048, 2048], expected, bounds, 'float32', [input, weight]);
    return { cells: actual.data.length, tiles: backend.lastCall.tiles, message: verdict.message ?? 'ok' };
  } finally {
    await backend.dispose();
  }
};

window.autoMode = async () => {
  const backend = await createBackend();
  const { mode, kernelClass } = backend.capabilities;
  await backend.dispose();
  return { mode, kernelClass };
};
