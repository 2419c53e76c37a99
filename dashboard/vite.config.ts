// The partner dashboard's front end (Preact + Chart.js), built by `npm run build:dashboard` into
// dashboard/dist and served by onramp at /dashboard (src/modules/dashboard/ui.ts). Everything is
// bundled: no CDN, no inline script or style (the pages run under a strict CSP), works offline.
import path from 'node:path';
import { defineConfig } from 'vite';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root,
  base: '/dashboard/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline assets (fonts, images) and no inline module-preload polyfill: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
