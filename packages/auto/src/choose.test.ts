import { type Backend, referenceBackend } from '@convt/core';
import { describe, expect, it } from 'vitest';
import { type BackendName, describeGpu, type Starter } from './candidates.js';
import { chooseBackend, NoBackendError } from './choose.js';

const fake = (name: string): Backend => ({
  ...referenceBackend,
  name,
  capabilities: { ...referenceBackend.capabilities },
});
const ok =
  (name: string): Starter =>
  async () =>
    fake(name);
const failing =
  (reason: string): Starter =>
  async () => {
    throw new Error(reason);
  };

describe('chooseBackend', () => {
  it('takes the first backend in priority order that starts, and says why the others were passed over', async () => {
    const starters: Record<BackendName, Starter> = {
      gpujs: failing('no hardware GPU (webgl2 on llvmpipe)'),
      wasm: ok('wasm'),
      cpu: ok('cpu'),
    };
    const backend = await chooseBackend({}, starters);
    expect(backend.name).toBe('wasm');
    expect(backend.choice.chosen).toBe('wasm');
    expect(backend.choice.attempts.map((a) => [a.name, a.outcome])).toEqual([
      ['gpujs', 'failed'],
      ['wasm', 'chosen'],
      ['cpu', 'not tried'],
    ]);
    expect(backend.choice.summary).toBe(
      'gpujs failed: no hardware GPU (webgl2 on llvmpipe); wasm chosen (1 thread, dtypes float32/float64); cpu not tried: wasm was chosen first',
    );
  });

  it('names relaxed SIMD in the summary when the chosen backend uses it', async () => {
    const wasm: Starter = async () => ({
      ...fake('wasm'),
      capabilities: { ...referenceBackend.capabilities, threads: 2, relaxedSimd: true },
    });
    const backend = await chooseBackend({ exclude: ['gpujs'] }, { gpujs: ok('gpujs'), wasm, cpu: ok('cpu') });
    expect(backend.choice.summary).toBe(
      'gpujs excluded: excluded by the caller; wasm chosen (2 threads, dtypes float32/float64, relaxed SIMD); cpu not tried: wasm was chosen first',
    );
  });

  it('honours prefer and exclude', async () => {
    const starters: Record<BackendName, Starter> = { gpujs: ok('gpujs'), wasm: ok('wasm'), cpu: ok('cpu') };
    expect((await chooseBackend({ prefer: 'cpu' }, starters)).name).toBe('cpu');
    const b = await chooseBackend({ exclude: ['gpujs'] }, starters);
    expect(b.name).toBe('wasm');
    expect(b.choice.attempts[0]).toEqual({
      name: 'gpujs',
      outcome: 'excluded',
      reason: 'excluded by the caller',
    });
    await expect(chooseBackend({ prefer: 'tpu' as BackendName }, starters)).rejects.toThrow(
      /prefer: unknown backend 'tpu'/,
    );
  });

  it('lists every reason when nothing starts', async () => {
    const starters: Record<BackendName, Starter> = {
      gpujs: failing('no GL'),
      wasm: failing('no WebAssembly'),
      cpu: failing('out of memory'),
    };
    const error = await chooseBackend({}, starters).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoBackendError);
    expect((error as Error).message).toBe(
      'no convt backend could start here: gpujs failed: no GL; wasm failed: no WebAssembly; cpu failed: out of memory',
    );
  });

  it('computes through the chosen backend and disposes it', async () => {
    let disposed = false;
    const starters: Record<BackendName, Starter> = {
      gpujs: failing('no GL'),
      wasm: async () => ({
        ...fake('wasm'),
        dispose: () => {
          disposed = true;
        },
      }),
      cpu: ok('cpu'),
    };
    const backend = await chooseBackend({}, starters);
    const { tensor } = await import('@convt/core');
    const out = await backend.convTranspose2d(
      tensor([1, 2], [1, 1, 1, 2]),
      tensor([1, 1], [1, 1, 1, 2]),
      null,
      {},
    );
    expect(Array.from(out.data)).toEqual([1, 3, 2]);
    await backend.dispose?.();
    expect(disposed).toBe(true);
  });
});

describe('describeGpu', () => {
  const gpu = (capabilities: Record<string, unknown>): Backend => ({
    ...referenceBackend,
    capabilities: { ...referenceBackend.capabilities, ...capabilities },
  });
  it('tells hardware, software, unknown renderers and CPU fallbacks apart', () => {
    expect(
      describeGpu(gpu({ mode: 'webgl2', renderer: 'ANGLE (NVIDIA H100)', hardwareAccelerated: true })).kind,
    ).toBe('hardware');
    expect(
      describeGpu(gpu({ mode: 'webgpu', renderer: 'google swiftshader', hardwareAccelerated: false })),
    ).toEqual({
      kind: 'software',
      detail: 'webgpu on google swiftshader, a software renderer',
    });
    expect(describeGpu(gpu({ mode: 'headlessgl', renderer: 'ANGLE', hardwareAccelerated: null })).kind).toBe(
      'unknown',
    );
    expect(describeGpu(gpu({ mode: 'webasm', hardwareAccelerated: false })).kind).toBe('cpu-fallback');
  });
});
