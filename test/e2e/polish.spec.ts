import { expect, type Page, test } from '@playwright/test';
import { api, ensure, uid } from './helpers/api';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * The operator review's polish items: Getting started never touches the ledger's real plans or
 * money, tier bounds and usage read like the invoice, the Terminate dialog offers both moments,
 * and the shell folds its sidebar at 1024 px.
 */
const PORT = 4231;
const server = serverForSpec(PORT, { serial: true });

/** Every 4xx/5xx the page receives, as "METHOD path → status". */
function failedRequests(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()}`);
  });
  return failed;
}

test('Getting started sends its test event on its own metric and plan, with a granted credit, never the operator\'s plan, and nothing answers 409', async ({ page }) => {
  const client = api(server().url);
  // An operator's ledger: USD, their metric api_calls, their plan starter with a fixed fee.
  await ensure(client.call('createAsset', { code: 'USD' }));
  await client.call('createMetric', { code: 'api_calls', aggregation: 'count' });
  await client.call('createPlan', { code: 'starter', name: 'Starter', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '4900', pay_in_advance: true }, charges: [{ metric: 'api_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.002' } }] });
  await login(page, server().url);
  const failed = failedRequests(page);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server().url}/#/start`);
  const card = page.getByTestId('send-test-event').locator('xpath=ancestor::div[contains(@class,"mantine-Card-root")][1]');
  await expect(card).toContainText('getting_started_calls');
  await expect(card).toContainText('getting-started');
  await expect(card).toContainText('granted');
  await expect(card).toContainText('never touched');
  await page.getByTestId('send-test-event').click();
  await expect(page.getByTestId('test-result')).toContainText('Event priced and debited');
  await expect(page.getByText('Asset USD exists')).toBeVisible();
  await expect(page.getByText('Created plan getting-started')).toBeVisible();
  await expect(page.getByTestId('checklist').locator('[data-done="true"]')).toHaveCount(5);
  await page.screenshot({ path: '/tmp/polish-getting-started.png' });

  const subs = await client.call('listSubscriptions', { customer: 'test-customer' });
  expect(subs.data.map((s) => s.plan)).toEqual(['getting-started']);
  const tops = await client.call('listTopUps', { external_id: 'test-customer' });
  expect(tops.data.map((t) => t.kind)).toEqual(['granted']);
  const starterSubs = (await client.call('listSubscriptions', { limit: 100 })).data.filter((s) => s.plan === 'starter');
  expect(starterSubs).toEqual([]);

  // Again: everything exists, one more event, still one grant, and no request failed.
  await page.getByTestId('send-test-event').click();
  await expect(page.getByText('Customer test-customer exists')).toBeVisible();
  await expect(page.getByText('Plan getting-started exists')).toBeVisible();
  await expect(page.getByText('Metric getting_started_calls exists')).toBeVisible();
  await expect(page.getByTestId('test-result')).toBeVisible();
  expect((await client.call('listTopUps', { external_id: 'test-customer' })).data).toHaveLength(1);
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('plan detail shows tier bounds as the invoice does and prices with their asset; usage reads "1 unit", grouped, with the metric name', async ({ page }) => {
  const client = api(server().url);
  await ensure(client.call('createAsset', { code: 'USD' }));
  const metric = uid('tok').replace(/-/g, '_');
  await client.call('createMetric', { code: metric, name: 'Tokens generated', aggregation: 'sum', property: 'tokens' });
  const tiered = uid('tiered');
  await client.call('createPlan', {
    code: tiered,
    name: 'Tiered',
    interval: 'monthly',
    charges: [
      {
        metric,
        asset: 'USD',
        model: 'graduated',
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 100, per_unit_amount: '0', flat_amount: '0' },
            { from_value: 101, to_value: 1000, per_unit_amount: '0.002', flat_amount: '0' },
            { from_value: 1001, to_value: 3600, per_unit_amount: '0.001', flat_amount: '1' },
            { from_value: 3601, to_value: null, per_unit_amount: '0.0005', flat_amount: '0' },
          ],
        },
      },
    ],
  });
  const scale = uid('scale');
  await client.call('createPlan', { code: scale, name: 'Scale', interval: 'monthly', charges: [{ metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });

  await login(page, server().url);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`${server().url}/#/plans/${tiered}`);
  const tiers = page.getByTestId(`tiers-${metric}`);
  await expect(tiers).toContainText('0 – 100');
  await expect(tiers).toContainText('101 – 1,000');
  await expect(tiers).toContainText('1,001 – 3,600');
  await expect(tiers).toContainText('3,601 and above');
  await expect(tiers).not.toContainText('∞');
  await page.screenshot({ path: '/tmp/polish-plan-tiers.png', fullPage: true });

  await page.goto(`${server().url}/#/plans/${scale}`);
  const props = page.getByTestId(`properties-${metric}`);
  await expect(props).toContainText('Unit price');
  await expect(props).toContainText('$0.01');
  await page.screenshot({ path: '/tmp/polish-plan-scale.png' });

  // Usage: one token, then 161,750 in all.
  const customer = uid('usage');
  await client.call('createCustomer', { external_id: customer, name: 'Usage Co' });
  await client.call('createTopUp', { external_id: customer, asset: 'USD', amount: '1000000', idempotency_key: `${customer}-tu` });
  await client.call('createSubscription', { customer, plan: scale });
  await client.call('ingestEvent', { transaction_id: `${customer}-1`, customer, code: metric, properties: { tokens: 1 } });
  await page.goto(`${server().url}/#/customers/${customer}/subscription`);
  await expect(page.getByTestId('usage-units')).toHaveText('1 unit');
  await expect(page.getByText('Tokens generated', { exact: true })).toBeVisible();
  await client.call('ingestEvent', { transaction_id: `${customer}-2`, customer, code: metric, properties: { tokens: 161749 } });
  await page.reload();
  await expect(page.getByTestId('usage-units')).toHaveText('161,750 units');
  await page.screenshot({ path: '/tmp/polish-usage.png', fullPage: true });
});

test('Terminate offers now or at the period end and names the plan and customer; a removed coupon shows no periods left; no subscription says so', async ({ page }) => {
  const client = api(server().url);
  await ensure(client.call('createAsset', { code: 'USD' }));
  const metric = uid('term').replace(/-/g, '_');
  await client.call('createMetric', { code: metric, name: 'Term calls', aggregation: 'count' });
  const plan = uid('pro');
  await client.call('createPlan', { code: plan, name: 'Pro monthly', interval: 'monthly', charges: [{ metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  const customer = uid('term-cust');
  await client.call('createCustomer', { external_id: customer, name: 'Termination Ltd' });
  await client.call('createSubscription', { customer, plan });
  const coupon = uid('gpu20');
  await client.call('createCoupon', { code: coupon, name: 'GPU 20% for three months', kind: 'percentage', percentage: '20', frequency: 'recurring', periods: 3 });
  await client.call('applyCoupon', { external_id: customer, coupon });
  await client.call('removeAppliedCoupon', { external_id: customer, coupon });

  await login(page, server().url);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`${server().url}/#/customers/${customer}/subscription`);
  const row = page.locator(`[data-testid="applied-coupon-row"][data-code="${coupon}"]`);
  await expect(row).toHaveAttribute('data-status', 'removed');
  await expect(row.getByTestId('applied-periods-left')).toHaveText('—');

  await page.getByRole('button', { name: 'Terminate…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Terminate the subscription' });
  await expect(dialog.getByTestId('terminate-object')).toHaveText(`End Termination Ltd's subscription to Pro monthly (${plan})?`);
  await expect(dialog.getByRole('radio', { name: /At the end of the period/ })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: /Now, settled and prorated/ })).toBeVisible();
  const cancel = dialog.getByRole('button', { name: 'Cancel' });
  const confirm = dialog.getByRole('button', { name: 'Terminate at period end' });
  // One line: both buttons on the same row, each one line high (measured once the modal settled).
  await expect
    .poll(async () => {
      const [a, b] = [await cancel.boundingBox(), await confirm.boundingBox()];
      return Math.abs(a!.y - b!.y) < 2 && Math.abs(a!.height - b!.height) < 2;
    })
    .toBe(true);
  await dialog.getByRole('radio', { name: /Now/ }).check();
  await expect(dialog.getByRole('button', { name: 'Terminate now' })).toBeVisible();
  await dialog.getByRole('radio', { name: /At the end of the period/ }).check();
  await page.screenshot({ path: '/tmp/polish-terminate.png' });
  await confirm.click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText(/^ends /)).toBeVisible();
  const sub = (await client.call('listSubscriptions', { customer })).data[0]!;
  expect(sub.status).toBe('active');
  expect(sub.terminate_at).not.toBeNull();

  const bare = uid('bare');
  await client.call('createCustomer', { external_id: bare, name: 'No Plan Co' });
  await page.goto(`${server().url}/#/customers/${bare}/subscription`);
  await expect(page.getByTestId('usage-empty')).toContainText('No subscription');
  await expect(page.getByTestId('entitlements-empty')).toContainText('No subscription');
  await expect(page.getByText('The plan has no usage charges')).toHaveCount(0);
});

test('the palette finds a pasted transaction id and asks for no plan that does not exist', async ({ page }) => {
  const client = api(server().url);
  await ensure(client.call('createAsset', { code: 'USD' }));
  const metric = uid('pal').replace(/-/g, '_');
  await client.call('createMetric', { code: metric, aggregation: 'count' });
  const plan = uid('pal-plan');
  await client.call('createPlan', { code: plan, name: 'Palette plan', interval: 'monthly', charges: [{ metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  const customer = uid('pal-cust');
  await client.call('createCustomer', { external_id: customer, name: 'Palette Co' });
  await client.call('createTopUp', { external_id: customer, asset: 'USD', amount: '1000', idempotency_key: `${customer}-tu` });
  await client.call('createSubscription', { customer, plan });
  const tx = `a-tok-${Date.now() % 100000}`;
  await client.call('ingestEvent', { transaction_id: tx, customer, code: metric });
  await login(page, server().url);
  const failed = failedRequests(page);
  const planRequests: string[] = [];
  page.on('request', (r) => /\/v1\/plans\/./.test(new URL(r.url()).pathname) && planRequests.push(r.url()));
  await page.keyboard.press('Control+K');
  const search = page.getByRole('textbox', { name: 'Command palette search' });
  await search.fill(tx);
  await expect(page.getByText(`Event ${tx}`)).toBeVisible();
  await search.fill('a-tok-999999');
  await expect(page.getByText('Events: search for “a-tok-999999” in Events')).toBeVisible();
  await search.fill(plan);
  await expect(page.getByText('Plan Palette plan')).toBeVisible();
  expect(planRequests).toEqual([]);
  await search.fill(tx);
  await page.getByText(`Event ${tx}`).click();
  await expect(page).toHaveURL(new RegExp(`tx=${tx}`));
  expect(failed).toEqual([]);
});

test('at 1024×768 the sidebar is a rail of icons with names, and at 1440 the "Running low" status is not cut', async ({ page }) => {
  const client = api(server().url);
  await ensure(client.call('createAsset', { code: 'USD' }));
  const metric = uid('low').replace(/-/g, '_');
  await client.call('createMetric', { code: metric, aggregation: 'count' });
  const plan = uid('low-plan');
  await client.call('createPlan', { code: plan, name: 'Low', interval: 'monthly', charges: [{ metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.50' } }] });
  const customer = uid('neg');
  await client.call('createCustomer', { external_id: customer, name: 'A rather long customer name Incorporated' });
  await client.call('createTopUp', { external_id: customer, asset: 'USD', amount: '1000', idempotency_key: `${customer}-tu` });
  await client.call('createSubscription', { customer, plan });
  const batch = await client.call('ingestBatch', { events: [0, 1, 2].map((i) => ({ transaction_id: `${customer}-${i}`, customer, code: metric })) });
  expect(batch.accepted).toBe(3);
  await client.call('createAdjustment', { external_id: customer, asset: 'USD', amount: '-2000', reason: 'Below zero for the status chip', idempotency_key: `${customer}-adj` });

  await page.setViewportSize({ width: 1024, height: 768 });
  await login(page, server().url);
  const sidebar = page.getByTestId('sidebar');
  await expect(sidebar).toHaveAttribute('data-compact', 'true');
  expect((await sidebar.boundingBox())!.width).toBeLessThan(80);
  const customersLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' });
  await expect(customersLink).toBeVisible();
  await customersLink.hover();
  await expect(page.getByRole('tooltip')).toContainText('Customers');
  await customersLink.click();
  await expect(page).toHaveURL(/#\/customers$/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: '/tmp/polish-1024-customers.png' });
  await page.goto(`${server().url}/#/monitor`);
  await page.screenshot({ path: '/tmp/polish-1024-monitor.png' });

  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(sidebar).not.toHaveAttribute('data-compact', 'true');
  await page.goto(`${server().url}/#/`);
  const status = page.getByRole('table', { name: 'Wallets running low' }).getByRole('row').filter({ hasText: 'A rather long customer name' }).getByTestId('low-wallet-status');
  await expect(status).toHaveText('Negative');
  // No status chip of the card is cut short ("NEG…").
  const cut = await page.getByTestId('low-wallet-status').locator('.mantine-Badge-label').evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent));
  expect(cut).toEqual([]);
  await status.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/polish-1440-overview.png' });
});

test('the Adjust dialog shows no error until a field is left or Save is tried, and its placeholder stays grey', async ({ page }) => {
  const client = api(server().url);
  await ensure(client.call('createAsset', { code: 'USD' }));
  const customer = uid('adj');
  await client.call('createCustomer', { external_id: customer, name: 'Adjust Co' });
  await client.call('createTopUp', { external_id: customer, asset: 'USD', amount: '1000', idempotency_key: `${customer}-tu` });
  await login(page, server().url);
  await page.goto(`${server().url}/#/customers/${customer}/wallet`);
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: /Adjust balance/ }).click();
  const dialog = page.getByRole('dialog', { name: /Adjust the balance/ });
  await dialog.getByRole('textbox', { name: /^Amount/ }).fill('5.00');
  await expect(dialog.locator('.mantine-InputWrapper-error')).toHaveCount(0);
  const reason = dialog.getByRole('textbox', { name: /^Reason/ });
  await reason.click();
  await dialog.getByRole('textbox', { name: /^Amount/ }).click();
  await expect(dialog.getByText('A reason is required for a manual adjustment')).toBeVisible();
  const colors = await reason.evaluate((el) => ({ placeholder: getComputedStyle(el, '::placeholder').color, error: getComputedStyle(document.documentElement).getPropertyValue('--mantine-color-error') }));
  expect(colors.placeholder).not.toBe('rgb(250, 82, 82)');
  await page.screenshot({ path: '/tmp/polish-adjust.png' });
  await reason.fill('Goodwill for the outage');
  await dialog.getByRole('button', { name: 'Credit $5.00' }).click();
  await expect(dialog).toHaveCount(0);
});
