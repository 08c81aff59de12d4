import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { api, uid } from './helpers/api';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4181;
const server = serverForSpec(PORT);

test('audit log: filter by action prefix and customer (in the URL), before/after diff, time filter with nothing matching, CSV download of the filtered rows', async ({ page }) => {
  test.setTimeout(60_000);
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' });
  const id = uid('audited');
  const other = uid('other');
  await client.call('createCustomer', { external_id: id, name: 'Audited Ltd' });
  await client.call('createCustomer', { external_id: other, name: 'Other Ltd' });
  await client.call('updateCustomer', { external_id: id, name: 'Audited Limited', email: 'ap@audited.test' });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '2500', idempotency_key: uid('tu') });
  await client.call('createAdjustment', { external_id: id, asset: 'USD', amount: '-300', reason: 'Goodwill correction, ticket 77', idempotency_key: uid('adj') });
  await client.call('createApiKey', { name: 'audit-probe', scopes: ['read'] });

  await login(page, server().url);
  await page.goto(`${server().url}/#/audit`);
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  expect(await page.locator('[data-testid="audit-row"][data-action="api_key.create"]').count()).toBeGreaterThan(0);

  // Action prefix: typed, applied after a pause, kept in the URL.
  await page.getByTestId('audit-action').fill('customer.');
  await expect(page).toHaveURL(/action=customer\./);
  await expect(page.getByTestId('audit-row')).toHaveCount(3);
  await expect(page.locator('[data-testid="audit-row"]:not([data-action^="customer."])')).toHaveCount(0);

  // Customer filter: only this customer's rows.
  await page.getByRole('combobox', { name: 'Customer' }).fill(id);
  await page.getByRole('option', { name: new RegExp(id) }).click();
  await expect(page).toHaveURL(new RegExp(`customer=${id}`));
  await expect(page.locator(`[data-testid="audit-row"]:not([data-customer="${id}"])`)).toHaveCount(0);
  await expect(page.getByTestId('audit-row')).toHaveCount(2);

  // The update row: before and after, field by field.
  const update = page.locator('[data-testid="audit-row"][data-action="customer.update"]');
  await update.getByTestId('audit-toggle').click();
  const diff = page.getByTestId('audit-diff');
  await expect(diff).toContainText('name');
  await expect(diff.locator('tr[data-changed="true"]').filter({ hasText: /^name/ })).toContainText('"Audited Ltd"');
  await expect(diff.locator('tr[data-changed="true"]').filter({ hasText: /^name/ })).toContainText('"Audited Limited"');

  // A prefix that matches money moves, with the reason shown in the row.
  await page.getByTestId('audit-action').fill('adjustment.');
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await expect(page.getByTestId('audit-row')).toContainText('Goodwill correction, ticket 77');

  // Nothing after tomorrow.
  const tomorrow = new Date(Date.now() + 86400_000);
  const local = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}T00:00`;
  await page.getByLabel('Since').fill(local);
  await expect(page.getByText('No audit entries match')).toBeVisible();
  await page.getByLabel('Since').fill('');
  await expect(page.getByTestId('audit-row')).toHaveCount(1);

  // CSV of exactly what is filtered.
  await page.getByTestId('audit-action').fill('customer.');
  await expect(page.getByTestId('audit-row')).toHaveCount(2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/action/);
  expect(lines.length).toBe(3);
  expect(csv).toContain('customer.update');
  expect(csv).not.toContain(other);

  // Clear filters: everything again.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/action=/);
  await expect(page.locator('[data-testid="audit-row"][data-action="api_key.create"]')).not.toHaveCount(0);
});
