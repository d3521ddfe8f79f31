import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/**
 * The conformance suite in headless Chromium (`/usr/bin/chromium`, never a downloaded browser),
 * against the built ESM of core, conformance and this package, served with an import map.
 * Run under an X server (the test:browser script starts one) so WebGL2 uses Mesa through ANGLE.
 */
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const GPU_JS_BROWSER = createRequire(import.meta.url).resolve('gpu.js/dist/gpu-browser.min.js');
const BUILT = ['packages/core/dist/index.js', 'conformance/dist/index.js', 'packages/gpujs/dist/index.js'];
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
};
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--ignore-gpu-blocklist',
  '--use-gl=angle',
  '--use-angle=gl',
  '--enable-unsafe-webgpu',
];

/** The file behind a URL path: the page, gpu.js's browser build, or a file of the workspace's packages. */
function fileFor(path: string): string | null {
  if (path === '/') return join(ROOT, 'packages/gpujs/browser/page.html');
  if (path === '/vendor/gpu-browser.min.js') return GPU_JS_BROWSER;
  if (!/^\/(packages|conformance)\//.test(path)) return null;
  const file = join(ROOT, normalize(path));
  return file.startsWith(`${ROOT}/`) && existsSync(file) ? file : null;
}

/** Serves the page and packages on 127.0.0.1, cross-origin isolated. */
function serve(): Promise<Server> {
  const server = createServer((request, response) => {
    const file = fileFor(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    response.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

interface SuiteSummary {
  backend: string;
  capabilities: { mode: string; kernelClass: string };
  total: number;
  passed: number;
  valid: { total: number; passed: number };
  invalid: { total: number; passed: number };
  failures: string[];
  compiledKernels: number;
  ms: number;
}

describe('headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const missing = BUILT.filter((f) => !existsSync(join(ROOT, f)));
    if (missing.length)
      throw new Error(`build first (pnpm turbo run build --filter=@convt/gpujs...): missing ${missing}`);
    server = await serve();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page
      .waitForFunction(() => (window as { pageReady?: boolean }).pageReady === true, null, {
        timeout: 30_000,
      })
      .catch(() => {
        throw new Error(`the page did not load: ${errors.join('; ') || 'no page error'}`);
      });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  const run = (mode: string, options: { quick: boolean; maxTileCells?: number }) =>
    page.evaluate(
      ([m, o]) =>
        (window as unknown as { runSuite: (m: string, o: object) => Promise<SuiteSummary> }).runSuite(m, o),
      [mode, options] as const,
    );

  test.each([
    ['webgl2', 'WebGL2Kernel'],
    ['webgpu', 'WebGPUKernel'],
  ])('%s passes the conformance suite', { timeout: 600_000 }, async (mode, kernelClass) => {
    const summary = await run(mode, { quick: false });
    console.log(
      `${mode}: ${summary.passed}/${summary.total} passed, ${summary.compiledKernels} kernels compiled, ${Math.round(summary.ms)} ms`,
    );
    expect(summary.failures).toEqual([]);
    expect(summary.capabilities).toMatchObject({ mode, kernelClass });
    expect(summary.valid.total).toBeGreaterThan(400);
    expect(summary.passed).toBe(summary.total);
  });

  test.each(['webgl2', 'webgpu'])(
    '%s passes the quick subset with every launch limited to 256 cells',
    async (mode) => {
      const summary = await run(mode, { quick: true, maxTileCells: 256 });
      // The wide corners (40-72 input channels) need more cells for one output row than such a
      // launch can address: they must be refused as not supported, and nothing else may fail.
      const refused = (f: string) =>
        /c=\[(72,66|40,36)\]/.test(f) && f.includes('the most one gpu.js launch can address');
      expect(summary.failures.filter((f) => !refused(f))).toEqual([]);
      expect(summary.failures.filter(refused).length).toBe(2);
      expect(summary.passed).toBe(summary.total - 2);
    },
  );

  test.each(['webgl2', 'webgpu'])('%s computes one launch of 2^22 output cells', async (mode) => {
    const result = await page.evaluate(
      (m) =>
        (
          window as unknown as {
            runLarge: (m: string) => Promise<{ cells: number; tiles: number; message: string }>;
          }
        ).runLarge(m),
      mode,
    );
    expect(result).toEqual({ cells: 2 ** 22, tiles: 1, message: 'ok' });
  });

  test("'auto' picks WebGPU when an adapter answers", async () => {
    const picked = await page.evaluate(() =>
      (window as unknown as { autoMode: () => Promise<{ mode: string; kernelClass: string }> }).autoMode(),
    );
    expect(picked).toEqual({ mode: 'webgpu', kernelClass: 'WebGPUKernel' });
  });
});
