import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderDocument } from '../../../src-main/documents/render';
import { invoice } from '../fixtures';
it('smoke', async () => {
  const t = performance.now();
  const pdf = await renderDocument(invoice());
  console.log('ms', performance.now() - t);
  writeFileSync('/tmp/exp/inv.pdf', pdf);
});
