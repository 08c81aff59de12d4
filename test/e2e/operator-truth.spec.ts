import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { api } from './helpers/api';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * What a new operator reads must be what the engine does: the new-customer default is the API's,
 * the funds badge says what the overdraft limit allows, closed and erased customers leave the
 * running-low views, plan versions are one plan, small revenue has a readable axis, warnings on
 * accepted events show in the list, and refusals are called requests.
 */
const PORT = 4185;
const server = serverForSpec(PORT, { serial: true });

test('new customer: the dialog starts on the API default (record_as_debt); the badge says what the overdraft limit allows', async ({ page }) => {
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  // Not an empty install: the overview would send the console to Getting started.
  await client.call('createCustomer', { external_id: 'strict', on_insufficient_funds: 'refuse', overdraft_limits: [{ asset: 'USD', amount: '2500' }] });
  await login(page, server().url);
  await page.goto(`${server().url}/#/customers`);
  await page.getByRole('button', { name: 'New customer' }).first().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('When funds run out')).toHaveValue('Debt up to the overdraft limit');
  await expect(dialog.getByTestId('new-customer-policy-help')).toContainText('The overdraft limit starts at 0');
  await dialog.getByLabel('External id').fill('defaulted');
  await dialog.getByRole('button', { name: 'Create customer' }).click();
  await expect(page).toHaveURL(/#\/customers\/defaulted\/wallet/);
  expect((await client.call('getCustomer', { external_id: 'defaulted' })).on_insufficient_funds).toBe('record_as_debt');

  // Overdraft 0: an event beyond the balance is refused, and the badge says so.
  const badge = page.getByTestId('funds-policy');
  await expect(badge).toHaveText('no overdraft: refuses beyond balance');
  await badge.hover();
  await expect(page.getByRole('tooltip')).toContainText('refused (402)');

  await client.call('updateCustomer', { external_id: 'defaulted', overdraft_limits: [{ asset: 'USD', amount: '2500' }] });
  await page.reload();
  await expect(badge).toHaveText('debt up to $25.00');

  await page.goto(`${server().url}/#/customers/strict/wallet`);
  await expect(badge).toHaveText('refuses beyond balance');
});

test('overview: closed and erased customers leave running low, the monitor and the draft preview picker; plan versions make one row; a few cents get a cent axis', async ({ page }) => {
  test.setTimeout(60_000);
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  await client.call('createMetric', { code: 'tiny_calls', aggregation: 'count' });
  const plan = (price: string) => client.call('createPlan', { code: 'tiny', name: 'Tiny', interval: 'monthly', charges: [{ metric: 'tiny_calls', asset: 'USD', model: 'standard', properties: { unit_price: price } }] });
  const customer = async (id: string, name: string) => {
    await client.call('createCustomer', { external_id: id, name });
    await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '50', idempotency_key: `${id}-top-up` });
    await client.call('createSubscription', { customer: id, plan: 'tiny' });
    await client.call('ingestBatch', { events: Array.from({ length: 3 }, (_, i) => ({ transaction_id: `${id}-${i}`, customer: id, code: 'tiny_calls' })) });
  };
  // Version 1 at one cent a call, then version 2 at two cents: revenue 3 + 3 × 6 = 21 cents.
  await plan('0.01');
  await customer('early', 'Early Co');
  await plan('0.02');
  await customer('steady', 'Steady Co');
  await customer('leaving', 'Leaving Co');
  await customer('forgotten', 'Forgotten Co');
  await client.call('closeCustomer', { external_id: 'leaving', reason: 'Contract ended' });
  const { tombstone } = await client.call('eraseCustomer', { external_id: 'forgotten', reason: 'Right to erasure' });

  await login(page, server().url);
  await page.goto(`${server().url}/#/`);
  const low = page.getByRole('table', { name: 'Wallets running low' });
  await expect(low).toContainText('Steady Co');
  await expect(low).toContainText('Early Co');
  await expect(low).not.toContainText('Leaving Co');
  await expect(low).not.toContainText(tombstone);
  await expect(page.getByRole('region', { name: 'Needs attention' })).toContainText('2 wallets run out within 24 h');
  await expect(page.getByRole('region', { name: 'Needs attention' })).not.toContainText('below zero');

  // One row per plan code: versions 1 and 2 of tiny are added together.
  const revenue = page.getByRole('table', { name: 'Revenue by plan' });
  await expect(revenue.locator('tbody tr')).toHaveCount(1);
  await expect(revenue.locator('tbody tr')).toContainText('tiny');
  await expect(revenue.locator('tbody tr')).toContainText('$0.21');
  // The axis of a 21-cent chart: distinct labels in cents, not four "≈$0".
  const ticks = page.getByRole('figure', { name: 'Revenue by plan per month in USD' }).locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await expect(ticks.first()).toBeVisible();
  const labels = await ticks.allTextContents();
  expect(labels).toEqual(['$0.00', '$0.10', '$0.20', '$0.30']);
  // Every month as a CSV, its total the recognized revenue.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'All months (CSV)' }).click()]);
  expect(download.suggestedFilename()).toBe('revenue-by-plan.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  expect(csv).toEqual(['month,plan,asset,amount', `${new Date().toISOString().slice(0, 7)},tiny,USD,0.21`, 'total,,USD,0.21']);

  await page.goto(`${server().url}/#/monitor`);
  await expect(page.getByTestId('monitor-row').filter({ hasText: 'Steady Co' })).toBeVisible();
  await expect(page.getByTestId('monitor-row').filter({ hasText: 'Leaving Co' })).toHaveCount(0);
  await expect(page.getByTestId('monitor-row').filter({ hasText: tombstone })).toHaveCount(0);

  await page.goto(`${server().url}/#/invoices`);
  await page.getByRole('button', { name: 'Preview a draft' }).click();
  await page.getByRole('dialog').getByRole('combobox', { name: 'Customer' }).click();
  await expect(page.getByRole('option', { name: 'Steady Co (steady)' })).toBeVisible();
  await expect(page.getByRole('option', { name: /Leaving Co/ })).toHaveCount(0);
  await expect(page.getByRole('option', { name: new RegExp(tombstone) })).toHaveCount(0);
});

test('events: an accepted event with a mistyped code shows its warning in the list and in the detail', async ({ page }) => {
  const client = api(server().url);
  const r = await client.call('ingestEvent', { transaction_id: 'typo-1', customer: 'steady', code: 'tiny_cals' });
  expect(r.warnings).toEqual(['no_metric_for_event_code']);
  await client.call('ingestEvent', { transaction_id: 'fine-1', customer: 'steady', code: 'tiny_calls' });

  await login(page, server().url);
  await page.goto(`${server().url}/#/events?customer=steady`);
  const typo = page.getByTestId('event-row').filter({ hasText: 'typo-1' });
  const fine = page.getByTestId('event-row').filter({ hasText: 'fine-1' });
  await expect(typo.getByTestId('event-warning')).toHaveText('no metric');
  await expect(fine.getByTestId('event-warning')).toHaveCount(0);
  await typo.getByTestId('event-warning').hover();
  await expect(page.getByRole('tooltip')).toContainText('No metric of the customer\'s plan counts events with code "tiny_cals"');

  await typo.click();
  const warnings = page.getByTestId('event-detail').getByTestId('event-warnings');
  await expect(warnings).toContainText('no_metric_for_event_code');
  await expect(warnings).toContainText('nothing was charged');
});

test('refusals are requests: a declined authorization and a refused event are counted and labelled for what they are', async ({ page }) => {
  const client = api(server().url);
  await client.call('createAuthorization', { customer: 'steady', asset: 'USD', amount: '100000', idempotency_key: 'too-big' }).catch(() => null);
  await client.call('ingestEvent', { transaction_id: 'nobody-1', customer: 'nobody', code: 'tiny_calls' }).catch(() => null);
  // Refusals are counted in memory and written about once a second.
  await expect.poll(async () => (await client.call('listRefusals', {})).reasons.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

  await login(page, server().url);
  await page.goto(`${server().url}/#/`);
  const strip = page.getByRole('region', { name: 'Needs attention' });
  await expect(strip).toContainText(/\d+ requests refused in 24 h/);
  await expect(strip).not.toContainText('events refused');

  await page.goto(`${server().url}/#/events/refused`);
  await expect(page.getByTestId('refused-summary')).toContainText('refused requests');
  const declined = page.getByTestId('refusal-insufficient_funds');
  await declined.getByRole('button').first().click();
  await expect(declined.locator('tbody [data-testid="refusal-kind"]').first()).toHaveText('authorization');
  const unknown = page.getByTestId('refusal-customer_not_found');
  await unknown.getByRole('button').first().click();
  await expect(unknown.locator('tbody [data-testid="refusal-kind"]').first()).toHaveText('event');

  // The listing says which window it counts, and narrows to one customer (kept in the URL).
  await expect(page.getByTestId('refused-summary')).toContainText('in the last 24 hours');
  await page.getByRole('combobox', { name: 'Customer' }).fill('steady');
  await page.getByRole('option', { name: /steady/ }).first().click();
  await expect(page.getByTestId('refused-summary')).toContainText('in the last 24 hours for steady');
  await expect(page.getByTestId('refusal-insufficient_funds')).toBeVisible();
  await expect(page.getByTestId('refusal-customer_not_found')).toHaveCount(0);
  await expect(page).toHaveURL(/customer=steady/);
  await page.getByText('1 hour', { exact: true }).click();
  await expect(page.getByTestId('refused-summary')).toContainText('in the last hour for steady');
  await expect(page).toHaveURL(/window=1h/);
});
