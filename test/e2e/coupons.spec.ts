import { expect, type Locator, type Page, test } from '@playwright/test';
import { api, ensure, uid } from './helpers/api';
import { startServer } from './helpers/server';
import { login } from './helpers/ui';

/** The fresh server of the empty-state test. */
const OWN_PORT = 4191;

/** A plan and a subscribed customer to apply coupons to. */
async function seed(): Promise<{ customer: string; plan: string }> {
  const client = api();
  await ensure(client.call('createAsset', { code: 'USD' }));
  await ensure(client.call('createMetric', { code: 'coupon_calls', name: 'Coupon calls', aggregation: 'count' }));
  const plan = uid('cpn-plan');
  await client.call('createPlan', { code: plan, name: 'Coupon plan', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2900', pay_in_advance: false }, charges: [{ metric: 'coupon_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  const customer = uid('cpn-cust');
  await client.call('createCustomer', { external_id: customer, name: 'Coupon Customer', billing_mode: 'postpaid' });
  await client.call('createSubscription', { customer, plan });
  return { customer, plan };
}

/** Picks an option of a Mantine Select inside `scope`. */
async function choose(page: Page, scope: Locator, label: string | RegExp, option: string | RegExp): Promise<void> {
  await scope.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

async function openNewCoupon(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'New coupon' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New coupon' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('creates a fixed and a percentage coupon in the console, lists them with their discount and duration, and applies them to a customer', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  const { customer } = await seed();
  const fixed = uid('welcome');
  const pct = uid('spring');
  await login(page);

  // Reachable from the navigation, next to Plans.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Coupons/ }).click();
  await expect(page).toHaveURL(/#\/coupons$/);
  await expect(page.getByRole('heading', { name: 'Coupons' })).toBeVisible();

  // Fixed: $49.99 off, once. Typed in major units; the scale is checked in the browser.
  let dialog = await openNewCoupon(page);
  await dialog.getByRole('textbox', { name: /^Name/ }).fill('Welcome credit');
  await dialog.getByRole('textbox', { name: /^Code/ }).fill(fixed);
  await expect(dialog.getByRole('combobox', { name: /^Asset/ })).toHaveValue('USD');
  await expect(dialog.getByRole('textbox', { name: /^Percentage off/ })).toHaveCount(0);
  await expect(dialog.getByRole('textbox', { name: /^Billing periods/ })).toHaveCount(0);
  await dialog.getByRole('textbox', { name: /^Amount off/ }).fill('49.999');
  await dialog.getByRole('button', { name: 'Create coupon' }).click();
  await expect(dialog.getByText('USD allows 2 decimals')).toBeVisible();
  await dialog.getByRole('textbox', { name: /^Amount off/ }).fill('49.99');
  await expect(dialog.getByTestId('coupon-preview')).toContainText('$49.99 off fixed fees and postpaid usage, once');
  await dialog.getByRole('button', { name: 'Create coupon' }).click();
  await expect(dialog).toHaveCount(0);

  // Percentage: 12.5% off for 3 billing periods; the amount fields give way to the percentage.
  dialog = await openNewCoupon(page);
  await dialog.getByRole('textbox', { name: /^Name/ }).fill('Spring promotion');
  await dialog.getByRole('textbox', { name: /^Code/ }).fill(pct);
  await dialog.locator('label', { hasText: /^Percentage$/ }).click();
  await expect(dialog.getByRole('textbox', { name: /^Amount off/ })).toHaveCount(0);
  await expect(dialog.getByRole('combobox', { name: /^Asset/ })).toHaveCount(0);
  await dialog.getByRole('textbox', { name: /^Percentage off/ }).fill('12.50');
  await choose(page, dialog, /^Duration/, /^For a number of billing periods/);
  await dialog.getByRole('textbox', { name: /^Billing periods/ }).fill('3');
  await choose(page, dialog, /^Only on metrics/, /coupon_calls/);
  await page.keyboard.press('Escape');
  await expect(dialog.getByTestId('coupon-preview')).toContainText('12.5% off the charges of coupon_calls, for 3 billing periods');
  await page.screenshot({ path: '/tmp/coupons-dialog.png' });
  await dialog.getByRole('button', { name: 'Create coupon' }).click();
  await expect(dialog).toHaveCount(0);

  // Listed with the discount formatted: money at the asset's scale, or a percentage.
  const fixedRow = page.locator(`[data-testid="coupon-row"][data-code="${fixed}"]`);
  const pctRow = page.locator(`[data-testid="coupon-row"][data-code="${pct}"]`);
  await expect(fixedRow.getByTestId('coupon-discount')).toHaveText('$49.99');
  await expect(fixedRow.getByTestId('coupon-duration')).toHaveText('once');
  await expect(fixedRow).toContainText('All plans and charges');
  await expect(pctRow.getByTestId('coupon-discount')).toHaveText('12.5%');
  await expect(pctRow.getByTestId('coupon-duration')).toHaveText('3 billing periods');
  await expect(pctRow).toContainText('metric coupon_calls');
  // Sent as the API takes them: minor units for the amount, the percentage as a decimal string.
  const stored = (await api().call('listCoupons', { limit: 500 })).data;
  expect(stored.find((c) => c.code === fixed)).toMatchObject({ kind: 'fixed', asset: 'USD', amount: '4999', frequency: 'once', periods: null });
  expect(stored.find((c) => c.code === pct)).toMatchObject({ kind: 'percentage', percentage: '12.50', frequency: 'recurring', periods: 3, metrics: ['coupon_calls'] });
  await page.getByRole('textbox', { name: 'Filter coupons' }).fill(pct);
  await expect(page.getByTestId('coupon-row')).toHaveCount(1);
  await page.getByRole('textbox', { name: 'Filter coupons' }).fill('');
  await page.getByRole('textbox', { name: 'Filter coupons' }).blur();
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: '/tmp/coupons-list.png' });

  // The customer's Subscription tab: nothing applied yet, then both coupons.
  await page.goto(`/#/customers/${customer}/subscription`);
  await expect(page.getByText('No coupons applied.')).toBeVisible();
  for (const code of [pct, fixed]) {
    await page.getByRole('button', { name: 'Apply coupon' }).click();
    const apply = page.getByRole('dialog', { name: `Apply a coupon to ${customer}` });
    await choose(page, apply, /^Coupon/, new RegExp(`\\(${code}\\)`));
    await expect(apply.getByTestId('apply-coupon-details')).toBeVisible();
    await apply.getByRole('button', { name: `Apply ${code}` }).click();
    await expect(apply).toHaveCount(0);
    await expect(page.locator(`[data-testid="applied-coupon-row"][data-code="${code}"]`)).toBeVisible();
  }
  const pctApplied = page.locator(`[data-testid="applied-coupon-row"][data-code="${pct}"]`);
  await expect(pctApplied).toHaveAttribute('data-status', 'active');
  await expect(pctApplied).toContainText('Active');
  await expect(pctApplied.getByTestId('applied-periods-left')).toHaveText('3');
  await expect(pctApplied.getByTestId('applied-amount-left')).toHaveText('—');
  await expect(pctApplied).toContainText('12.5%');
  const fixedApplied = page.locator(`[data-testid="applied-coupon-row"][data-code="${fixed}"]`);
  await expect(fixedApplied.getByTestId('applied-amount-left')).toHaveText('$49.99');
  await expect(fixedApplied.getByTestId('applied-periods-left')).toHaveText('—');

  // An active coupon is not offered again.
  await page.getByRole('button', { name: 'Apply coupon' }).click();
  const again = page.getByRole('dialog', { name: `Apply a coupon to ${customer}` });
  await again.getByRole('combobox', { name: /^Coupon/ }).click();
  await expect(page.getByRole('option', { name: new RegExp(`\\(${fixed}\\).*already active`) })).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Escape');
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect(again).toHaveCount(0);
  // Toasts gone, then the picture.
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: '/tmp/coupons-subscription.png' });
});

test('removes an active coupon from a customer after a confirmation, and follows a removal made elsewhere', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  const { customer } = await seed();
  const client = api();
  const fixed = uid('gone');
  const pct = uid('elsewhere');
  await client.call('createCoupon', { code: fixed, name: 'Goodbye credit', kind: 'fixed', asset: 'USD', amount: '1250', frequency: 'once' });
  await client.call('createCoupon', { code: pct, kind: 'percentage', percentage: '20', frequency: 'recurring', periods: 2 });
  await client.call('applyCoupon', { external_id: customer, coupon: fixed });
  await client.call('applyCoupon', { external_id: customer, coupon: pct });
  await login(page);
  await page.goto(`/#/customers/${customer}/subscription`);

  const fixedRow = page.locator(`[data-testid="applied-coupon-row"][data-code="${fixed}"]`);
  const pctRow = page.locator(`[data-testid="applied-coupon-row"][data-code="${pct}"]`);
  await expect(fixedRow).toHaveAttribute('data-status', 'active');
  // The amount left, formatted with the applied coupon's own asset.
  await expect(fixedRow.getByTestId('applied-amount-left')).toHaveText('$12.50');

  // Remove: a confirmation naming the coupon and what is given up; Cancel leaves it active.
  await fixedRow.getByRole('button', { name: `Remove the coupon ${fixed}` }).click();
  let confirm = page.getByRole('dialog', { name: 'Remove the coupon' });
  await expect(confirm).toContainText(`Remove Goodbye credit (${fixed}) from ${customer}?`);
  await expect(confirm).toContainText('It discounts nothing from now on');
  await expect(confirm).toContainText('The $12.50 left on it is given up.');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(fixedRow).toHaveAttribute('data-status', 'active');

  await fixedRow.getByRole('button', { name: `Remove the coupon ${fixed}` }).click();
  confirm = page.getByRole('dialog', { name: 'Remove the coupon' });
  await page.screenshot({ path: '/tmp/coupons-remove-dialog.png' });
  await confirm.getByRole('button', { name: `Remove ${fixed}` }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByText(`Coupon ${fixed} removed`)).toBeVisible();
  await expect(fixedRow).toHaveAttribute('data-status', 'removed');
  await expect(fixedRow).toContainText('Removed');
  await expect(fixedRow.getByRole('button', { name: /Remove the coupon/ })).toHaveCount(0);
  expect((await client.call('listAppliedCoupons', { external_id: customer })).data.find((a) => a.coupon === fixed)).toMatchObject({ status: 'removed', asset: 'USD', amount_left: '1250' });

  // Removed by an API client while the page is open: the live feed brings it in.
  await expect(pctRow).toHaveAttribute('data-status', 'active');
  await client.call('removeAppliedCoupon', { external_id: customer, coupon: pct });
  await expect(pctRow).toHaveAttribute('data-status', 'removed', { timeout: 15_000 });
  await expect(page.getByRole('button', { name: /Remove the coupon/ })).toHaveCount(0);
  // A removed coupon can be applied again.
  await page.getByRole('button', { name: 'Apply coupon' }).click();
  const apply = page.getByRole('dialog', { name: `Apply a coupon to ${customer}` });
  await apply.getByRole('combobox', { name: /^Coupon/ }).click();
  await expect(page.getByRole('option', { name: new RegExp(`\\(${fixed}\\)`) })).not.toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Escape');
  await apply.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: '/tmp/coupons-removed.png' });
});

test('the create dialog shows the server\'s errors on their fields: a taken code, a percentage above 100', async ({ page }) => {
  const client = api();
  await ensure(client.call('createAsset', { code: 'USD' }));
  const taken = uid('taken');
  await client.call('createCoupon', { code: taken, kind: 'percentage', percentage: '10', frequency: 'forever' });
  await login(page);
  await page.goto('/#/coupons');
  await expect(page.locator(`[data-testid="coupon-row"][data-code="${taken}"]`)).toBeVisible();

  const dialog = await openNewCoupon(page);
  await dialog.getByRole('textbox', { name: /^Code/ }).fill(taken);
  await dialog.locator('label', { hasText: /^Percentage$/ }).click();
  await dialog.getByRole('textbox', { name: /^Percentage off/ }).fill('150');
  await dialog.getByRole('button', { name: 'Create coupon' }).click();
  // The engine checks the code first: already_exists, on the Code field.
  const code = dialog.getByRole('textbox', { name: /^Code/ });
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText(`A coupon with code ${taken} exists already.`)).toBeVisible();
  // A new code: now the percentage is refused (validation_failed), on the Percentage field.
  await code.fill(uid('fresh'));
  await expect(code).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('button', { name: 'Create coupon' }).click();
  await expect(dialog.getByRole('textbox', { name: /^Percentage off/ })).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('percentage must be above 0 and at most 100.')).toBeVisible();
  await dialog.getByRole('textbox', { name: /^Percentage off/ }).fill('100');
  await dialog.getByRole('button', { name: 'Create coupon' }).click();
  await expect(dialog).toHaveCount(0);
});

test('on a fresh server: the empty states explain coupons, and the palette opens the create dialog', async ({ page }) => {
  // Its own server, so there is no coupon yet.
  const server = await startServer(OWN_PORT);
  try {
    const client = api(server.url);
    await client.call('createAsset', { code: 'USD' });
    await client.call('createCustomer', { external_id: 'nocoupon', name: 'No Coupon Ltd' });
    await login(page, server.url);
    await page.goto(`${server.url}/#/coupons`);
    await expect(page.getByText('No coupons yet')).toBeVisible();
    await expect(page.getByRole('button', { name: 'New coupon' })).toHaveCount(2);
    await page.screenshot({ path: '/tmp/coupons-empty.png' });

    // The customer side: nothing applied, and the dialog sends to the coupons page to make one.
    await page.goto(`${server.url}/#/customers/nocoupon/subscription`);
    await expect(page.getByText('No coupons applied.')).toBeVisible();
    await page.getByRole('button', { name: 'Apply coupon' }).click();
    const apply = page.getByRole('dialog', { name: 'Apply a coupon to nocoupon' });
    await expect(apply.getByText('There are no coupons yet.')).toBeVisible();
    await expect(apply.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await apply.getByRole('link', { name: 'Create a coupon' }).click();
    await expect(page).toHaveURL(/#\/coupons\?new=1$/);
    await expect(page.getByRole('dialog', { name: 'New coupon' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/#\/coupons$/);
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // The palette: the page and the create action.
    await page.keyboard.press('Control+K');
    await page.getByRole('textbox', { name: 'Command palette search' }).fill('create a coupon');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/coupons\?new=1$/);
    await expect(page.getByRole('dialog', { name: 'New coupon' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await page.goto(`${server.url}/#/`);
    await expect(page.locator('.mantine-Modal-content')).toHaveCount(0);
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('g');
    await page.keyboard.press('u');
    await expect(page).toHaveURL(/#\/coupons$/);
  } finally {
    await server.stop();
  }
});
