#!/usr/bin/env node
// Runs a TypeScript file of this repository under plain Node: bundles it with Vite (already a
// dependency) into out/run/, then imports it with the remaining arguments. Used by the examples.
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'out', 'run');
mkdirSync(outDir, { recursive: true });
const name = basename(entry).replace(/\.ts$/, '.mjs');
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: { ssr: resolve(entry), outDir, emptyOutDir: false, target: 'node20', rolldownOptions: { output: { entryFileNames: name } } },
});
process.argv = [process.argv[0], join(outDir, name), ...args];
await import(pathToFileURL(join(outDir, name)).href);
