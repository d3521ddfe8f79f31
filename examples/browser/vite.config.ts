import { defineConfig } from 'vite';

// Cross-origin isolation makes SharedArrayBuffer available, so the threaded backends run threaded.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // gpu.js's browser build alone is ~500 kB; the page is an example, not a size budget.
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
