import { expect, test } from '@playwright/test';
import { api, uid } from './helpers/api';
import { billNow, seedPostpaid } from './helpers/invoices';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4196;
const server = serverForSpec(PORT, { serial: true });

/** "$1,234.56" from integer cents, by string (no float on the way). */
function usd(minor: string): string {
  const digits = minor.replace('-', '').padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${minor.startsWith('-') ? '-' : ''}$${whole}.${digits.slice(-2)}`;
}

test('receivables aging: a finalized unpaid invoice and usage not invoiced yet, per customer and per currency, as the API says', async ({ page }) => {
  test.setTimeout(90_000);
  const client = api(server().url);
  const id = uid('aging');
  await seedPostpaid(client, id, { name: 'Aging Owes Co' });
  const [draft] = await billNow(client, id);
  await client.call('finalizeInvoice', { id: draft!.id });
  // Usage in the current period: debt that no invoice states yet.
  await client.call('ingestBatch', { events: Array.from({ length: 4 }, (_, i) => ({ transaction_id: `${id}-now-${i}`, customer: id, code: 'inv_calls' })) });
  const report = await client.call('getReceivablesAging', { customer: id });
  const row = report.customers[0]!;
  expect(BigInt(row.not_due)).toBeGreaterThan(0n);
  expect(BigInt(row.uninvoiced)).toBeGreaterThan(0n);

  await login(page, server().url);
  await page.goto(`${server().url}/#/invoices`);
  await page.getByRole('link', { name: 'Aging' }).click();
  await expect(page.getByRole('heading', { name: 'Receivables aging' })).toBeVisible();
  const tableRow = page.getByTestId('aging-customers').getByRole('row').filter({ hasText: 'Aging Owes Co' });
  await expect(tableRow).toContainText(id);
  await expect(tableRow).toContainText(usd(row.not_due));
  await expect(tableRow).toContainText(usd(row.uninvoiced));
  await expect(tableRow).toContainText(usd(row.total));
  const all = await client.call('getReceivablesAging', {});
  const currency = all.currencies.find((c) => c.currency === 'USD')!;
  await expect(page.getByTestId('aging-currency-USD')).toContainText(usd(currency.total));
  if (process.env.AGING_SHOT) await page.screenshot({ path: process.env.AGING_SHOT, fullPage: true });

  // The customer's name goes to its invoices.
  await tableRow.getByRole('link', { name: 'Aging Owes Co' }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${id}/invoices$`));
});
