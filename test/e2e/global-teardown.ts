/** Removes the run's scratch directory (see test/helpers/scratch-tmpdir.ts) once every test is done. */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const scratch = process.env.TOLLGATE_TEST_SCRATCH;
  if (!scratch || process.env.KEEP_TEST_TMP) return;
  // A server or browser of the last spec may still be writing its last files there as it exits
  // (ENOTEMPTY while the tree is removed): try again a moment later. A scratch folder left in the
  // temp dir is untidy, not a failed test, so the last failure is reported, not thrown.
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
      return;
    } catch (err) {
      if (attempt === 5) {
        console.warn(`could not remove the test scratch folder ${scratch}: ${(err as Error).message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
