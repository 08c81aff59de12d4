/**
 * The memory policy limits how far V8 lets the threads' heaps grow beyond what they use. What it
 * proves: after the policy, a thread that churns through short-lived objects keeps a young
 * generation of 4 MB semi-spaces (V8's default grows to 16 MB ones), and the own limits of the
 * engine thread and of serve mode's HTTP thread say the same. The effect on the whole process (RSS
 * after a batch load) is measured by `bench/profile-serve.ts` and `npm run bench`, not here.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { applyMemoryPolicy, DOOR_THREAD_LIMITS, ENGINE_THREAD_LIMITS } from '../../src-main/runtime/memory-policy';

/** Starts a thread that allocates garbage until its young generation has grown, then reports its size. */
function youngGenerationOfAThread(options: ConstructorParameters<typeof Worker>[1] = {}): Promise<number> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const v8 = require('node:v8');
    let keep = [];
    for (let i = 0; i < 4e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
    parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, ...options });
    w.once('message', (size: number) => {
      resolve(size);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('memory policy', () => {
  it('keeps young generations at 4 MB semi-spaces for the threads started after it', async () => {
    const before = await youngGenerationOfAThread();
    applyMemoryPolicy();
    const after = await youngGenerationOfAThread();
    const engine = await youngGenerationOfAThread({ resourceLimits: ENGINE_THREAD_LIMITS });
    const door = await youngGenerationOfAThread({ resourceLimits: DOOR_THREAD_LIMITS });
    expect(before).toBeGreaterThan(8 * 2 ** 20);
    expect(after).toBeLessThanOrEqual(8 * 2 ** 20);
    expect(engine).toBeLessThanOrEqual(8 * 2 ** 20);
    expect(door).toBeLessThanOrEqual(8 * 2 ** 20);
  }, 60_000);
});
