import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderDocument } from '../../../src-main/documents/render';
import { creditNote, multiScriptInvoice, receipt } from '../fixtures';
it('smoke3', async () => {
  writeFileSync('/tmp/exp/ms.pdf', await renderDocument(multiScriptInvoice()));
  writeFileSync('/tmp/exp/cn.pdf', await renderDocument(creditNote({ status: 'draft', language: 'fr' })));
  writeFileSync('/tmp/exp/rc.pdf', await renderDocument(receipt({ language: 'de' })));
});
