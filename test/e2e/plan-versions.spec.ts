import { expect, test } from '@playwright/test';
import { api } from './helpers/api';
import { seriousViolations } from './helpers/a11y';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * Older plan versions in the console: the plan's page lists its versions with how many
 * subscriptions each still bills, and shows an older one's charges read only with that count; a
 * customer still on an older version says so and links to it.
 */
const server = serverForSpec(4197, { serial: true });

test.beforeAll(async () => {
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' });
  await client.call('createMetric', { code: 'pv_calls', name: 'Calls', aggregation: 'count' });
  const version = (name: string, unitPrice: string) => client.call('createPlan', { code: 'pv-api', name, interval: 'monthly', charges: [{ metric: 'pv_calls', asset: 'USD', model: 'standard', properties: { unit_price: unitPrice } }] });
  const subscribe = async (customer: string, plan: string) => {
    await client.call('createCustomer', { external_id: customer, name: customer });
    await client.call('createSubscription', { customer, plan, external_id: `sub-${customer}` });
  };
  await version('API 2026', '0.25');
  await client.call('createCustomer', { external_id: 'pv-early', name: 'Early Bird' });
  await client.call('createSubscription', { customer: 'pv-early', plan: 'pv-api' });
  await version('API 2027', '0.50');
  // Version 2: three subscribe, one is terminated (not counted).
  for (const c of ['pv-mid-a', 'pv-mid-b', 'pv-mid-c']) await subscribe(c, 'pv-api');
  await client.call('terminateSubscription', { id: 'sub-pv-mid-c', at: 'now' });
  // Another plan, nobody on its version 1; a customer on its version 2 moves to pv-api's latest
  // version (2, now) at the end of the period: scheduled onto version 2.
  const other = (name: string) => client.call('createPlan', { code: 'pv-other', name, interval: 'monthly' });
  await other('Other 2026');
  await other('Other 2027');
  await subscribe('pv-switch', 'pv-other');
  await client.call('updateSubscription', { id: 'sub-pv-switch', plan: 'pv-api', timing: 'period_end' });
  await version('API 2028', '0.75');
});

test("the plan's page lists its versions; an older one shows its own charges, read only", async ({ page }) => {
  await login(page, server().url);
  await page.goto(`${server().url}/#/plans/pv-api`);
  await expect(page.getByRole('heading', { name: 'API 2028' })).toBeVisible();
  await expect(page.getByTestId('properties-pv_calls')).toContainText('0.75');
  await expect(page.getByTestId('older-version-note')).toHaveCount(0);
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByRole('row')).toHaveCount(4); // a header and three versions, newest first
  await expect(versions.getByRole('row').nth(1)).toContainText('v3');
  await expect(versions.getByRole('row').nth(3)).toContainText('API 2026');
  // How many subscriptions each version bills, and the move scheduled onto version 2.
  await expect(versions.getByRole('columnheader', { name: 'Live subscriptions' })).toBeVisible();
  await expect(versions.getByTestId('live-subscriptions-v3')).toHaveText('0');
  await expect(versions.getByTestId('live-subscriptions-v2')).toHaveText(/^2\s*\+1 scheduled$/);
  await expect(versions.getByTestId('live-subscriptions-v1')).toHaveText('1');

  await versions.getByRole('link', { name: 'v1' }).click();
  await expect(page).toHaveURL(/#\/plans\/pv-api\?version=1$/);
  await expect(page.getByRole('heading', { name: 'API 2026' })).toBeVisible();
  await expect(page.locator('.mantine-Breadcrumbs-root')).toHaveText(/Plans.*pv-api.*v1/);
  await expect(page.getByTestId('older-version-note')).toContainText('Version 1 of 3 · read only · 1 subscription still on it');
  await expect(page.getByTestId('older-version-note')).not.toContainText('scheduled');
  await expect(page.getByTestId('properties-pv_calls')).toContainText('0.25');
  await expect(page.getByRole('link', { name: 'New version' })).toHaveCount(0);
  await page.screenshot({ path: '/tmp/plan-versions-older.png' });
  expect(await seriousViolations(page)).toEqual([]);

  await versions.getByRole('link', { name: 'v2' }).click();
  await expect(page).toHaveURL(/#\/plans\/pv-api\?version=2$/);
  await expect(page.getByTestId('older-version-note')).toContainText('Version 2 of 3 · read only · 2 subscriptions still on it');
  await expect(page.getByTestId('older-version-note')).toContainText('1 subscription is scheduled to move onto it at the end of the period.');

  await page.getByRole('link', { name: 'See the latest version (v3)' }).click();
  await expect(page.getByRole('heading', { name: 'API 2028' })).toBeVisible();
  await expect(page.getByTestId('older-version-note')).toHaveCount(0);
});

test('an older version nobody is on says none', async ({ page }) => {
  await login(page, server().url);
  await page.goto(`${server().url}/#/plans/pv-other?version=1`);
  await expect(page.getByRole('heading', { name: 'Other 2026' })).toBeVisible();
  await expect(page.getByTestId('older-version-note')).toContainText('Version 1 of 2 · read only · none still on it');
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByTestId('live-subscriptions-v1')).toHaveText('0');
  await expect(versions.getByTestId('live-subscriptions-v2')).toHaveText('1');
});

test('a customer on an older version says which, and links to its charges', async ({ page }) => {
  await login(page, server().url);
  await page.goto(`${server().url}/#/customers/pv-early/subscription`);
  const behind = page.getByTestId('plan-version-behind');
  await expect(behind).toContainText('On version 1 of 3, not the latest');
  await behind.getByRole('link', { name: "see version 1's charges" }).click();
  await expect(page).toHaveURL(/#\/plans\/pv-api\?version=1$/);
  await expect(page.getByTestId('older-version-note')).toContainText('Version 1 of 3');
  await expect(page.getByTestId('properties-pv_calls')).toContainText('0.25');
});
