// Builds the example page with Vite, serves it cross-origin isolated on 127.0.0.1, runs it in
// headless Chromium (Debian's, never a downloaded one) and checks every backend against the
// reference. The screenshot is kept as a test artifact.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'test-artifacts');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

await build({ root, logLevel: 'warn' });
const server = await preview({
  root,
  preview: { host: '127.0.0.1', port: 0, strictPort: false },
  logLevel: 'warn',
});
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite preview did not report a URL');

const browser = await chromium.launch({
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-dev-shm-usage',
    '--enable-unsafe-webgpu',
  ],
});
let failed = 1;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 560 } });
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.convtDone === true, null, { timeout: 240_000 });
  const results = await page.evaluate(() => window.convtResults);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'browser-example.png'), fullPage: true });
  for (const r of results) {
    const line = `${r.ok ? 'ok  ' : 'FAIL'} ${r.run.padEnd(16)} ${r.backend.padEnd(10)} ${r.error ?? r.details}`;
    console.log(line);
  }
  // Chromium has relaxed SIMD: the wasm backend must use it there unless told not to.
  for (const r of results) {
    if (
      r.ok &&
      r.run.startsWith('wasm') &&
      !r.run.includes('simd128') &&
      !r.details.includes('relaxed SIMD')
    ) {
      r.ok = false;
      console.log(`FAIL ${r.run}: relaxed SIMD not used`);
    }
  }
  failed = results.filter((r) => !r.ok).length;
  if (failed > 0) console.log(consoleLines.join('\n'));
  console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
process.exitCode = failed === 0 ? 0 : 1;
