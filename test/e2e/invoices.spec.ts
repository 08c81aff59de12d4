import { expect, test } from '@playwright/test';
import { api, uid } from './helpers/api';
import { billNow, seedPostpaid } from './helpers/invoices';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4178;
const server = serverForSpec(PORT, { serial: true });

test('invoice lifecycle in the UI: billing run, draft with tiers and the PDF, finalize, partial payment, credit note, palette lookup', async ({ page }) => {
  test.setTimeout(90_000);
  const client = api(server().url);
  const id = uid('postpaid');
  await seedPostpaid(client, id, { name: 'Postpaid Co' });

  await login(page, server().url);
  // A billing run from the invoices page, for this customer (the engine's own billing clock may have
  // drafted last month's invoice already: the run then finds nothing more to do).
  await page.goto(`${server().url}/#/invoices`);
  await page.getByTestId('open-billing-run').click();
  const run = page.getByRole('dialog', { name: 'Run billing now' });
  await run.getByLabel('One customer').check();
  await run.getByRole('combobox', { name: 'Customer' }).fill(id);
  await page.getByRole('option', { name: new RegExp(id) }).click();
  await run.getByTestId('start-billing-run').click();
  await expect(run.getByTestId('billing-run')).toHaveAttribute('data-status', 'done');
  await expect(run).toContainText('1 / 1');
  await run.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // The draft is listed (filtered by customer and status, in the URL), with per-currency totals.
  await page.goto(`${server().url}/#/invoices?customer=${id}&status=draft`);
  const row = page.getByTestId('invoice-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'draft');
  await expect(row).toContainText('$120.00');
  await expect(page.getByTestId('invoice-totals-USD').getByTestId('totals-drafts')).toHaveText('$120.00');

  // Keyboard: J selects the row, Enter opens it.
  await page.locator('body').click({ position: { x: 5, y: 600 } });
  await page.keyboard.press('j');
  await expect(row).toHaveAttribute('data-active', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/invoices\/inv_/);

  // The draft: banner with the grace deadline, lines, the tier breakdown, tax, total, the real PDF.
  await expect(page.getByTestId('draft-banner')).toContainText('finalized automatically');
  await expect(page.getByTestId('invoice-line')).toHaveCount(3);
  await expect(page.locator('[data-testid="invoice-line"][data-kind="fixed_fee"]')).toContainText('$29.00');
  await expect(page.locator('[data-testid="invoice-line"][data-kind="minimum_commitment"]')).toContainText('$61.25');
  await expect(page.getByTestId('tier-row')).toHaveCount(0);
  await page.getByTestId('toggle-tiers').click();
  await expect(page.getByTestId('tier-row')).toHaveCount(2);
  await expect(page.getByTestId('tier-row').nth(1)).toContainText('$1.00 flat');
  await expect(page.getByTestId('invoice-totals')).toContainText('Tax 20%');
  await expect(page.getByTestId('invoice-total')).toContainText('$120.00');
  const pdf = page.getByTestId('pdf-viewer');
  await expect(pdf).toHaveAttribute('data-pages', '1', { timeout: 20_000 });
  await expect(pdf).toHaveAttribute('data-text', /DRAFT[\s\S]*Postpaid Co[\s\S]*\$120\.00/);
  await expect(page.getByTestId('invoice-actions')).toHaveAttribute('data-allowed', 'download_pdf finalize');

  // Finalize: an irreversible action, so the dialog names it and focus starts on Cancel.
  await page.getByRole('button', { name: 'Finalize…' }).click();
  const fin = page.getByRole('dialog', { name: 'Finalize the draft' });
  await expect(fin.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await fin.getByRole('button', { name: /^Finalize Draft/ }).click();
  await expect(page.getByTestId('invoice-status')).toHaveAttribute('data-status', 'open');
  const number = (await page.getByTestId('invoice-title').textContent())!.trim();
  expect(number).toMatch(/^[A-Z0-9-]+-\d{4}-\d{6}$/);
  await expect(pdf).toHaveAttribute('data-text', new RegExp(number), { timeout: 20_000 });
  await expect(page.getByTestId('invoice-outstanding')).toContainText('$120.00');

  // A partial payment: the dialog previews the outstanding amount and names verb and amount.
  await page.getByRole('button', { name: 'Record payment…' }).click();
  const pay = page.getByRole('dialog', { name: /Record a payment/ });
  await pay.getByLabel('Amount').fill('50.00');
  await expect(pay.getByTestId('money-preview')).toContainText('$120.00');
  await expect(pay.getByTestId('money-preview')).toContainText('$70.00');
  await pay.getByLabel('Reference (optional)').fill('wire 2026-11-26');
  await pay.getByRole('button', { name: 'Record $50.00' }).click();
  await expect(page.getByTestId('invoice-status')).toHaveAttribute('data-status', 'partially_paid');
  await expect(page.getByTestId('invoice-outstanding')).toContainText('$70.00');
  await expect(page.getByTestId('payments-table')).toContainText('wire 2026-11-26');

  // A credit note on the fixed fee line only, settled as credit: tax is credited with it.
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Credit note…' }).click();
  const cn = page.getByRole('dialog', { name: /Credit note for/ });
  await cn.getByRole('checkbox', { name: /Credit Scale — fixed fee/ }).check();
  await expect(cn.getByRole('textbox', { name: /Amount to credit on Scale — fixed fee/ })).toHaveValue('29.00');
  await cn.getByRole('textbox', { name: /Amount to credit on Scale — fixed fee/ }).fill('30.00');
  await expect(cn).toContainText('More than is left');
  await cn.getByRole('textbox', { name: /Amount to credit on Scale — fixed fee/ }).fill('29.00');
  // The button states the note's total with tax, as the dialog does.
  await cn.getByRole('button', { name: 'Credit $34.80 with tax as credit' }).click();
  await expect(page.getByTestId('credit-note-row')).toHaveCount(1);
  await expect(page.getByTestId('credit-note-row')).toContainText('$34.80');
  await expect(page.getByTestId('invoice-outstanding')).toContainText('$35.20');
  await expect(page.getByTestId('invoice-timeline')).toContainText('Payment recorded');

  // As a refund, a note is at most what was paid ($50.00): the true-up with its tax is more, refused
  // before submitting, and as credit it is allowed.
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Credit note…' }).click();
  await cn.getByRole('checkbox', { name: 'Credit Minimum commitment true-up' }).check();
  await cn.locator('label', { hasText: 'As a refund' }).click();
  await expect(cn.getByTestId('credit-too-much')).toContainText('can be refunded');
  await expect(cn.getByTestId('credit-note-submit')).toBeDisabled();
  await cn.locator('label', { hasText: 'As credit' }).click();
  await expect(cn.getByTestId('credit-too-much')).toHaveCount(0);
  await expect(cn.getByTestId('credit-note-submit')).toBeEnabled();
  await cn.getByRole('button', { name: 'Cancel' }).click();

  // ⌘K with the invoice number pasted opens it.
  await page.goto(`${server().url}/#/`);
  await page.keyboard.press('Control+K');
  await page.getByRole('textbox', { name: 'Command palette search' }).fill(number);
  await page.getByText(`Invoice ${number}`).click();
  await expect(page.getByTestId('invoice-title')).toHaveText(number);

  // The customer's Invoices tab lists it, and previews the period under way as its invoice will
  // read if nothing more is used: 4 calls ($2.00) and the $29 fee in arrears, trued up to the $100
  // minimum, plus 20% tax.
  await client.call('ingestBatch', { events: Array.from({ length: 4 }, (_, i) => ({ transaction_id: `${id}-now-${i}`, customer: id, code: 'inv_calls' })) });
  await page.goto(`${server().url}/#/customers/${id}/invoices`);
  await expect(page.getByTestId('customer-invoice-row')).toHaveCount(1);
  await expect(page.getByTestId('customer-invoice-row')).toHaveAttribute('data-status', 'partially_paid');
  await expect(page.getByTestId('invoice-preview')).toContainText('4 events');
  await expect(page.getByTestId('invoice-preview').getByTestId('invoice-total')).toContainText('$120.00');
});

test('void with a reason, then reissue as a new draft; an exempt customer shows its tax note; export writes the files', async ({ page }) => {
  test.setTimeout(60_000);
  const client = api(server().url);
  const id = uid('voidme');
  await seedPostpaid(client, id, { name: 'Exempt Org', taxTreatment: 'exempt' });
  const [draft] = await billNow(client, id);
  const inv = await client.call('finalizeInvoice', { id: draft!.id });

  await login(page, server().url);
  await page.goto(`${server().url}/#/invoices/${inv.id}`);
  await expect(page.getByTestId('tax-note')).toBeVisible();
  await expect(page.getByTestId('invoice-actions')).toHaveAttribute('data-allowed', /void/);
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Void…' }).click();
  const dlg = page.getByRole('dialog', { name: `Void ${inv.number}` });
  await expect(dlg.getByRole('button', { name: 'Cancel' })).toBeFocused();
  const confirm = dlg.getByRole('button', { name: `Void ${inv.number}` });
  await expect(confirm).toBeDisabled();
  await dlg.getByLabel('Reason').fill('Billed to the wrong entity');
  await confirm.click();
  await expect(page.getByTestId('invoice-status')).toHaveAttribute('data-status', 'void');
  await expect(page.getByTestId('invoice-timeline')).toContainText('Billed to the wrong entity');

  await page.getByRole('button', { name: 'Reissue…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Create the new draft' }).click();
  // The new draft's grace ends at once (it reissues a closed period): the sweep may finalize it before we look.
  await expect(page).not.toHaveURL(new RegExp(inv.id));
  await expect(page.getByTestId('invoice-status')).toHaveAttribute('data-status', /draft|open/);
  await expect(page.getByTestId('invoice-timeline')).toContainText('Drafted as a reissue');

  // The export dialog: PDF and CSV of the void status, into a folder of our choice.
  await page.goto(`${server().url}/#/invoices?status=void`);
  await page.getByRole('button', { name: 'Export' }).click();
  const exp = page.getByRole('dialog', { name: 'Export invoices' });
  await expect(exp.getByLabel('Status')).toHaveValue('Void');
  await exp.getByLabel('Folder (optional)').fill(`${server().dataDir}/exports/e2e-void`);
  await exp.getByTestId('export-submit').click();
  await expect(exp.getByTestId('export-result')).toContainText('1 invoice written');
  await expect(exp.getByTestId('export-result')).toContainText('invoices.csv');
});
