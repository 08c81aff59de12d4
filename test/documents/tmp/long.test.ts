import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderDocument } from '../../../src-main/documents/render';
import { invoice, longInvoice } from '../fixtures';
it('long', async () => {
  await renderDocument(invoice());
  let t = performance.now();
  for (let i = 0; i < 10; i++) await renderDocument(invoice());
  console.log('invoice ms', (performance.now() - t) / 10);
  t = performance.now();
  const pdf = await renderDocument(longInvoice());
  console.log('300 ms', performance.now() - t);
  t = performance.now();
  await renderDocument(longInvoice());
  console.log('300 ms (2nd)', performance.now() - t);
  writeFileSync('/tmp/exp/long.pdf', pdf);
});
