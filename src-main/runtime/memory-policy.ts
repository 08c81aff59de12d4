import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * How much memory V8 may keep beyond what Tollgate's threads actually use.
 *
 * V8 sizes heaps for throughput by default. After a batch load of 300,000 events the engine
 * thread's heap had grown to about four times its live objects (390 MB allocated around 100 MB
 * live), and every thread kept young generations of up to 16 MB semi-spaces. The process sat at
 * 670 MB for a working set under 200 MB. Two limits bring that down without slowing the writer
 * (docs/performance.md has the runs):
 * - old generations grow by at most a tenth of their live size after each full collection
 *   (`--heap-growing-percent`), instead of up to four times. At 25 rather than 50 the engine
 *   thread ran 83 full collections instead of 48 in a 300,000-event batch load (609 against 376 ms
 *   of pauses in 110 s) at the same rate, and the process ended 20 MB smaller; at 10 rather than 25
 *   it peaked 8 MiB lower for the same CPU time (two alternated runs each);
 * - the threads started after this (engine, documents, backups, serve mode's HTTP thread) get 4 MB
 *   semi-spaces, which also keeps each scavenge short, so an authorization waits less behind one.
 * These are V8 settings for the whole process, so they are applied once, before the first thread
 * starts.
 */
let applied = false;
export function applyMemoryPolicy(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--heap-growing-percent=10');
  setFlagsFromString('--max-semi-space-size=4');
}

/** The engine thread's young generation (three semi-spaces' worth, as V8 counts it). */
export const ENGINE_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 12 };

/** Serve mode's HTTP thread (src-main/runtime/serve-door.ts): the same young generation. */
export const DOOR_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 12 };
