import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const r = (p: string) => resolve(import.meta.dirname, p);
const alias = { '@shared': r('shared') };

export default defineConfig({
  main: {
    resolve: { alias },
    // index: the Electron shell; cli: serve mode for plain Node (bin/tollgate.js), whose HTTP server
    // runs on the serve-door thread; both share the engine.
    build: { rolldownOptions: { input: { index: r('src-main/index.ts'), cli: r('src-main/cli.ts'), 'serve-door': r('src-main/runtime/serve-door.ts'), 'engine-worker': r('src-main/engine/worker-main.ts'), 'desktop-engine': r('src-main/runtime/desktop-engine.ts'), 'document-worker': r('src-main/engine/invoicing/render-worker.ts'), 'backup-worker': r('src-main/engine/backup-worker.ts') } } },
  },
  preload: {
    resolve: { alias },
    build: { rolldownOptions: { input: { preload: r('src-main/preload.ts') }, output: { format: 'cjs' } } },
  },
  renderer: {
    root: r('src-renderer'),
    base: './',
    resolve: { alias },
    build: { rolldownOptions: { input: { index: r('src-renderer/index.html') } } },
    plugins: [react()],
  },
});
