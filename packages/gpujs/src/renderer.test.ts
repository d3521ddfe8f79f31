import { describe, expect, it } from 'vitest';
import type { GpuKernel } from './gpu-types.js';
import { identifyRenderer } from './renderer.js';

const glKernel = (renderer: string, unmasked?: string): GpuKernel =>
  Object.assign(() => new Float32Array(0), {
    kernel: {
      context: {
        RENDERER: 1,
        getParameter: (name: number) => (name === 2 ? unmasked : renderer),
        getExtension: () => (unmasked ? { UNMASKED_RENDERER_WEBGL: 2 } : null),
      },
    },
  }) as GpuKernel;

describe('identifyRenderer', () => {
  it('calls software rasterisers what they are', async () => {
    expect(
      await identifyRenderer(
        'webgl2',
        glKernel('WebKit WebGL', 'ANGLE (Mesa, llvmpipe (LLVM 15.0.6, 256 bits))'),
      ),
    ).toEqual({
      renderer: 'ANGLE (Mesa, llvmpipe (LLVM 15.0.6, 256 bits))',
      hardwareAccelerated: false,
    });
    expect(
      (await identifyRenderer('webgl', glKernel('x', 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))')))
        .hardwareAccelerated,
    ).toBe(false);
  });

  it('recognises a hardware GPU', async () => {
    const info = await identifyRenderer(
      'webgl2',
      glKernel('WebKit WebGL', 'ANGLE (NVIDIA, NVIDIA H100 PCIe, OpenGL 4.5)'),
    );
    expect(info.hardwareAccelerated).toBe(true);
  });

  it('says it cannot tell when the renderer is hidden', async () => {
    expect(await identifyRenderer('headlessgl', glKernel('ANGLE'))).toEqual({
      renderer: 'ANGLE',
      hardwareAccelerated: null,
    });
  });

  it('reports CPU modes as not accelerated', async () => {
    expect(await identifyRenderer('webasm', glKernel(''))).toEqual({
      renderer: 'gpu.js webasm mode',
      hardwareAccelerated: false,
    });
  });
});
