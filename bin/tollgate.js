#!/usr/bin/env node
// The `tollgate` command. It runs the built engine (out/main/cli.js), which `npm install` builds.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('Tollgate is not built yet. Run `npm run build` in the Tollgate folder (npm install does it too).');
  process.exit(1);
}
await import(cli.href);
