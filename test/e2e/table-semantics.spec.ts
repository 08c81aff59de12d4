import { expect, test } from '@playwright/test';
import { api, uid } from './helpers/api';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * The virtual lists (customers, events, monitor) are tables to assistive technology: a named table
 * with column headers, rows numbered against the whole list, and one cell per column.
 */
const PORT = 4192;
const server = serverForSpec(PORT, { serial: true });

test('customers, events and monitor lists expose table, column header, row and cell roles', async ({ page }) => {
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  await client.call('createMetric', { code: 'a11y_calls', aggregation: 'count' }).catch(() => null);
  await client.call('createPlan', { code: 'a11y-plan', name: 'A11y', interval: 'monthly', charges: [{ metric: 'a11y_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.25' } }] }).catch(() => null);
  const ids = [uid('a11y'), uid('a11y'), uid('a11y')];
  for (const id of ids) {
    await client.call('createCustomer', { external_id: id, name: `Row ${id}` });
    await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '1000' });
    await client.call('createSubscription', { customer: id, plan: 'a11y-plan' });
    await client.call('ingestEvent', { transaction_id: `${id}-1`, customer: id, code: 'a11y_calls' });
  }
  await login(page, server().url);

  await page.goto(`${server().url}/#/customers`);
  const customers = page.getByRole('table', { name: /^Customers, \d+ in total$/ });
  await expect(customers).toBeVisible();
  await expect(customers.getByRole('columnheader')).toHaveText(['Customer', 'Plan', 'Available', 'Status', 'Billing']);
  const total = Number((await customers.getAttribute('aria-label'))!.match(/(\d+) in total/)![1]);
  await expect(customers).toHaveAttribute('aria-rowcount', String(total + 1));
  const row = customers.getByRole('row').filter({ hasText: `Row ${ids[0]}` });
  await expect(row.getByRole('cell')).toHaveCount(5);
  await expect(row.getByRole('cell').nth(2)).toHaveText('$9.75');
  // The header is row 1; data rows follow it, numbered in the whole list.
  expect(Number(await customers.getByRole('row').nth(1).getAttribute('aria-rowindex'))).toBe(2);

  await page.goto(`${server().url}/#/events`);
  const events = page.getByRole('table', { name: 'Events, newest first' });
  await expect(events.getByRole('columnheader')).toHaveText(['Time', 'Customer', 'Code', 'Debited', 'Status']);
  await expect(events.getByRole('row').filter({ hasText: `${ids[2]}-1` }).getByRole('cell')).toHaveCount(5);

  await page.goto(`${server().url}/#/monitor`);
  const monitor = page.getByRole('table', { name: 'Wallets by time to empty' });
  await expect(monitor.getByRole('columnheader').first()).toHaveText('Customer');
  await expect(monitor.getByRole('columnheader')).toHaveCount(8);
  await expect(monitor.getByRole('row').filter({ hasText: ids[1] }).getByRole('cell')).toHaveCount(8);
});
