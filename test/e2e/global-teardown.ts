/** Removes the run's scratch directory (see test/helpers/scratch-tmpdir.ts) once every test is done. */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const scratch = process.env.TOLLGATE_TEST_SCRATCH;
  if (scratch && !process.env.KEEP_TEST_TMP) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
