import type { GpuKernel } from './gpu-types.js';
import type { GpujsMode } from './modes.js';

/** What the GPU path really runs on: a software rasteriser is slower than the wasm backend. */
export interface RendererInfo {
  readonly renderer: string;
  /** `true` on a GPU, `false` on a software renderer or CPU mode, `null` when it cannot be told. */
  readonly hardwareAccelerated: boolean | null;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render/i;
/** Names that hide the real renderer (headless-gl answers with its ANGLE front end). */
const OPAQUE = /^(angle|stack-gl|webkit webgl|)$/i;

interface GlContext {
  readonly RENDERER: number;
  getParameter(name: number): unknown;
  getExtension(name: string): { readonly UNMASKED_RENDERER_WEBGL: number } | null;
}

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: Record<string, string>;
  requestAdapterInfo?(): Promise<Record<string, string>>;
}

/** Identifies the renderer behind a started mode, from the probe kernel that proved it. */
export async function identifyRenderer(mode: GpujsMode, probe: GpuKernel): Promise<RendererInfo> {
  if (mode === 'cpu' || mode === 'webasm')
    return { renderer: `gpu.js ${mode} mode`, hardwareAccelerated: false };
  if (mode === 'webgpu') return identifyWebGpu();
  const gl = (probe.kernel as { context?: GlContext } | undefined)?.context;
  if (!gl) return { renderer: 'unknown', hardwareAccelerated: null };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(
    (debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) ?? '',
  );
  return classify(name);
}

async function identifyWebGpu(): Promise<RendererInfo> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } })
    .navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return { renderer: 'unknown', hardwareAccelerated: null };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const name = ['vendor', 'architecture', 'device', 'description']
    .map((key) => info[key])
    .filter(Boolean)
    .join(' ');
  if (adapter.isFallbackAdapter) return { renderer: name || 'fallback adapter', hardwareAccelerated: false };
  return classify(name);
}

function classify(name: string): RendererInfo {
  const renderer = name.trim();
  if (OPAQUE.test(renderer)) return { renderer: renderer || 'unknown', hardwareAccelerated: null };
  return { renderer, hardwareAccelerated: !SOFTWARE.test(renderer) };
}
