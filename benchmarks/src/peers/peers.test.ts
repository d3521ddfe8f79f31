import { describe, expect, it } from 'vitest';
import { checkOutput, expected } from '../check.js';
import { makeCase, type Workload } from '../workloads.js';
import { ortNodeRunner } from './ort.js';
import { tfjsRunner } from './tfjs.js';
import { Unsupported } from './types.js';

const small: Workload = {
  name: 'small',
  input: [2, 3, 4, 5],
  outChannels: 4,
  kernelSize: [3, 2],
  stride: [2, 3],
  padding: 1,
  outputPadding: [1, 0],
};

async function runChecked(runner: Awaited<ReturnType<typeof tfjsRunner>>, w: Workload) {
  const c = makeCase(w);
  const prepared = await runner.prepare(c);
  const raw = await prepared.run();
  await prepared.dispose?.();
  return checkOutput(prepared.toNchw ? prepared.toNchw(raw) : raw, expected(c), runner.unitRoundoff);
}

describe('tfjs peer', () => {
  it('matches the reference through its NHWC layout and filter order', async () => {
    const runner = await tfjsRunner('cpu');
    const check = await runChecked(runner, small);
    expect(check.ok, check.reason).toBe(true);
  });

  it('reports groups and dilation as unsupported', async () => {
    const runner = await tfjsRunner('cpu');
    await expect(runner.prepare(makeCase({ ...small, input: [1, 4, 4, 5], groups: 2 }))).rejects.toThrow(
      Unsupported,
    );
    await expect(runner.prepare(makeCase({ ...small, dilation: 2 }))).rejects.toThrow(Unsupported);
  });
});

describe('onnxruntime-node peer', () => {
  it('matches the reference, and rejects output padding legal only by dilation', async () => {
    const runner = await ortNodeRunner(1);
    const check = await runChecked(runner, small);
    expect(check.ok, check.reason).toBe(true);
    const dilationOnly = makeCase({ ...small, stride: 1, dilation: 3, outputPadding: 2 });
    await expect(runner.prepare(dilationOnly)).rejects.toThrow(Unsupported);
  });
});
