#!/usr/bin/env node
// Starts serve mode on a fresh temporary data dir for the end-to-end tests.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = process.argv[2] ?? '4174';
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-e2e-'));
const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'tollgate.js'), 'serve', '--data-dir', dataDir, '--port', port], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
