/**
 * The document thread (out/main/document-worker.js, built by `npm test` before vitest) starts on the
 * first render and stops once it has been idle for a while, so a server that rendered a billing run's
 * PDFs does not keep the renderer's heap and fonts resident for good. What this proves: the thread
 * runs while renders are pending, stops after the idle time, starts again for the next render, a
 * render arriving during the idle time keeps it, and the bytes are the same across restarts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerRenderer } from '../../src-main/engine/invoicing/renderer';
import { invoice, receipt } from './fixtures';

const workerFile = join(import.meta.dirname, '..', '..', 'out', 'main', 'document-worker.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const renderers: WorkerRenderer[] = [];
afterEach(async () => {
  for (const r of renderers.splice(0)) await r.close();
});

describe('document thread', () => {
  it('starts on the first render and stops when idle', async () => {
    expect(existsSync(workerFile), 'run `npx electron-vite build` first').toBe(true);
    const renderer = new WorkerRenderer(workerFile, 1500);
    renderers.push(renderer);
    expect(renderer.running).toBe(false);

    const [first, other] = await Promise.all([renderer.render(invoice()), renderer.render(receipt())]);
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(other.subarray(0, 5).toString()).toBe('%PDF-');
    expect(renderer.running).toBe(true);

    // A render inside the idle time starts it over: 1.8 s after the first renders (more than the
    // idle time) and 0.8 s after this one (less), the thread still runs.
    await sleep(1000);
    await renderer.render(receipt());
    await sleep(800);
    expect(renderer.running).toBe(true);

    await sleep(3000);
    expect(renderer.running).toBe(false);

    const again = await renderer.render(invoice());
    expect(renderer.running).toBe(true);
    expect(again.equals(first)).toBe(true);
  }, 60_000);
});
