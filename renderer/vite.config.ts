// Vite build of the renderer: root renderer/, output renderer/dist. RxDB's dev-mode is imported only
// when import.meta.env.DEV is true (mode=development), so production bundles never contain it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { offlineShell } from './offline-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig(({ mode }) => ({
  root,
  base: './',
  plugins: [react(), offlineShell()],
  define: {
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(pkg.version),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: mode === 'development',
    // The CSP allows no inline script: never inline the module preload polyfill or small assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: { '/api': { target: process.env.SYNC_URL ?? 'http://127.0.0.1:8787', changeOrigin: true } },
  },
}));
