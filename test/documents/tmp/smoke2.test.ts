import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderDocument } from '../../../src-main/documents/render';
import { multiScriptInvoice } from '../fixtures';
it('smoke2', async () => {
  const t = performance.now();
  const pdf = await renderDocument(multiScriptInvoice());
  console.log('ms', performance.now() - t);
  writeFileSync('/tmp/exp/ms.pdf', pdf);
});
