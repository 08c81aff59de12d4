/**
 * One scratch directory per test run, removed when the run ends. Tests, the serve processes they
 * start and the browsers they drive make their data dirs with `os.tmpdir()`, which reads TMPDIR;
 * pointing TMPDIR here before any worker starts keeps every one of them inside this directory.
 * Without it each run left hundreds of megabytes of databases in /tmp, and a day of runs filled
 * the disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Points TMPDIR at a fresh directory (once per run: workers inherit it) and answers how to remove it. */
export function useScratchTmpdir(prefix: string): () => void {
  const existing = process.env.TOLLGATE_TEST_SCRATCH;
  if (existing) return () => {};
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  process.env.TOLLGATE_TEST_SCRATCH = scratch;
  process.env.TMPDIR = scratch;
  const remove = () => {
    // KEEP_TEST_TMP=1 keeps the data dirs of a failing run to look at.
    if (process.env.KEEP_TEST_TMP) return;
    rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  };
  // Also when the run stops before its teardown (a port in use, an interrupted run).
  process.once('exit', remove);
  return remove;
}

/** Vitest's global setup: the returned function is its teardown. */
export default function setup(): () => void {
  return useScratchTmpdir('tollgate-vitest-');
}
