// Vite build of the benchmark page (bench/browser): RxDB + Dexie + the shared schemas and the app's
// replication client, bundled as in production (no RxDB dev-mode). The driver passes root and outDir.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  logLevel: 'warn',
  build: {
    emptyOutDir: true,
    // The sync server serves the page with a CSP that allows no inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    target: 'es2022',
  },
});
