import { expect, test, type Page } from '@playwright/test';
import { api } from './helpers/api';
import { seedRealistic, trickle } from './helpers/seed';
import { seriousViolations } from './helpers/a11y';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * The wallet monitor fits its window: at 1024×768 (the sidebar a rail) it merges columns rather
 * than scrolling sideways, numbers stay right-aligned and tabular, and a postpaid wallet's credit
 * line is not cut short.
 */
const server = serverForSpec(4195, { serial: true });


test.beforeAll(async () => {
  test.setTimeout(120_000);
  const client = api(server().url);
  await seedRealistic(client);
  // A postpaid customer using its credit, with a long name.
  await client.call('createCustomer', { external_id: 'northwind-postpaid', name: 'Northwind Traders International Holdings', billing_mode: 'postpaid', on_insufficient_funds: 'record_as_debt', overdraft_limits: [{ asset: 'USD', amount: '5000000' }] });
  await client.call('createPlan', { code: 'pp-big', name: 'Postpaid big', interval: 'monthly', charges: [{ metric: 'api_calls', asset: 'USD', model: 'standard', properties: { unit_price: '1234.56' } }] });
  await client.call('createSubscription', { customer: 'northwind-postpaid', plan: 'pp-big' });
  await client.call('ingestBatch', { events: Array.from({ length: 10 }, (_, i) => ({ transaction_id: `nw-${i}`, customer: 'northwind-postpaid', code: 'api_calls' })) });
  // A wallet in a custom asset with wide numbers ("123,456,789 tokens").
  await client.call('createCustomer', { external_id: 'tokenco', name: 'TokenCo' });
  await client.call('createTopUp', { external_id: 'tokenco', asset: 'TOKENS', amount: '987654321', idempotency_key: 'tokenco-tu' });
  await client.call('createPlan', { code: 'tok-meter', name: 'Token meter', interval: 'monthly', charges: [{ metric: 'api_calls', asset: 'TOKENS', model: 'standard', properties: { unit_price: '1234567' } }] });
  await client.call('createSubscription', { customer: 'tokenco', plan: 'tok-meter' });
  await client.call('ingestBatch', { events: Array.from({ length: 40 }, (_, i) => ({ transaction_id: `tok-${i}`, customer: 'tokenco', code: 'api_calls' })) });
  await client.call('createAuthorization', { customer: 'tokenco', asset: 'TOKENS', amount: '12345678', idempotency_key: 'tokenco-hold', ttl_seconds: 3600 });
  await trickle(client, 1, 10);
});

/** Sideways overflow of the list and of the page (0 when it fits). */
async function overflow(page: Page) {
  const list = page.getByTestId('monitor-list');
  const inList = await list.evaluate((el) => el.scrollWidth - el.clientWidth);
  const inPage = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  return { inList, inPage };
}

test('at 1024×768 the monitor fits without scrolling sideways; numbers right-aligned and tabular; credit used not cut', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await login(page, server().url);
  await page.goto(`${server().url}/#/monitor`);
  const table = page.getByRole('table', { name: 'Wallets by time to empty' });
  await expect(table.getByRole('row').filter({ hasText: 'Northwind Traders' })).toBeVisible();
  await expect(page.getByTestId('monitor-list')).toHaveAttribute('data-layout', 'merged');
  expect(await overflow(page)).toEqual({ inList: 0, inPage: 0 });
  await page.screenshot({ path: '/tmp/monitor-1024.png' });

  // Six columns: the asset sits under the customer, the last minute's change under the burn rate.
  await expect(table.getByRole('columnheader')).toHaveText(['Customer', 'Available', 'Burn / h · Δ 1 min', 'To empty', 'Holds', 'Status']);
  const nw = table.getByRole('row').filter({ hasText: 'Northwind Traders' });
  await expect(nw.getByRole('cell')).toHaveCount(6);
  await expect(nw.getByTestId('monitor-asset')).toHaveText('USD');

  // The postpaid credit line: whole, and the full sentence for screen readers.
  const credit = nw.getByTestId('credit-used');
  await expect(credit).toContainText('credit used $12,345.60 of $50,000.00');
  await expect(credit).toContainText('of $50,000.00 limit');
  expect(await credit.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);

  // A custom asset's wide numbers: the unit is named once, by the badge; each amount has it on hover.
  const tok = table.getByRole('row').filter({ hasText: 'TokenCo' });
  await expect(tok.getByTestId('monitor-asset')).toHaveText('TOKENS');
  await expect(tok.getByRole('cell').nth(1).locator('.tg-amount')).toHaveText(/^[\d,]+$/);
  await expect(tok.getByRole('cell').nth(1).locator('.tg-amount')).toHaveAttribute('title', /^[\d,]+ TOKENS$/);

  // Every cell fits its column: nothing spills into the next one.
  const spills = await table.getByRole('cell').evaluateAll((cells) =>
    cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
  );
  expect(spills).toEqual([]);

  // Numbers: right edges line up with their header, digits tabular.
  const headerRight = await table.getByRole('columnheader', { name: 'Available' }).evaluate((el) => el.getBoundingClientRect().right);
  const amounts = table.getByRole('row').filter({ has: page.getByTestId('credit-used') }).first().getByRole('cell').nth(1).locator('.tg-amount');
  const right = await amounts.first().evaluate((el) => el.getBoundingClientRect().right);
  expect(Math.abs(right - headerRight)).toBeLessThanOrEqual(1);
  expect(await amounts.first().evaluate((el) => getComputedStyle(el).fontVariantNumeric)).toContain('tabular-nums');
  await page.mouse.move(0, 0);
  expect(await seriousViolations(page)).toEqual([]);
});

test('wider windows keep all eight columns, still without sideways scrolling', async ({ page }) => {
  await login(page, server().url);
  for (const [width, height, layout] of [
    [1280, 720, 'tight'],
    [1600, 900, 'full'],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server().url}/#/monitor`);
    const table = page.getByRole('table', { name: 'Wallets by time to empty' });
    await expect(table.getByRole('row').filter({ hasText: 'Northwind Traders' })).toBeVisible();
    await expect(page.getByTestId('monitor-list')).toHaveAttribute('data-layout', layout);
    await expect(table.getByRole('columnheader')).toHaveCount(8);
    expect(await overflow(page)).toEqual({ inList: 0, inPage: 0 });
    await page.screenshot({ path: `/tmp/monitor-${width}.png` });
  }
});
