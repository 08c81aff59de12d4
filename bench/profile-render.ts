/** Profiling aid: renders one ordinary invoice N times and prints the time per render. */
import { renderDocument } from '../src-main/documents/render';
import { invoice } from '../test/documents/fixtures';

const n = Number(process.env.N ?? 20);
const doc = invoice();
await renderDocument(doc);
const start = performance.now();
for (let i = 0; i < n; i++) await renderDocument(doc);
console.log(JSON.stringify({ renders: n, ms_per_render: Math.round(((performance.now() - start) / n) * 10) / 10 }));
