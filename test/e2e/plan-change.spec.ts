import { expect, test, type Page } from '@playwright/test';
import { api, uid } from './helpers/api';
import { seriousViolations } from './helpers/a11y';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/** "Change plan" on the Subscription tab: PATCH /v1/subscriptions/{id} with plan, timing and carry_usage. */
const server = serverForSpec(4194, { serial: true });

test.beforeAll(async () => {
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' });
  await client.call('createMetric', { code: 'pc_calls', name: 'Calls', aggregation: 'count' });
  const plan = (code: string, name: string, fee: string) =>
    client.call('createPlan', { code, name, interval: 'monthly', fixed_fee: { asset: 'USD', amount: fee, pay_in_advance: true }, charges: [{ metric: 'pc_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  await plan('pc-basic', 'Basic', '1000');
  await plan('pc-pro', 'Pro', '5000');
  await plan('pc-scale', 'Scale', '9900');
});

async function customerOnPro(name: string): Promise<{ id: string; sub: string }> {
  const client = api(server().url);
  const id = uid('plan');
  await client.call('createCustomer', { external_id: id, name });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '100000', idempotency_key: `${id}-tu` });
  const sub = await client.call('createSubscription', { customer: id, plan: 'pc-pro' });
  await client.call('ingestBatch', { events: Array.from({ length: 3 }, (_, i) => ({ transaction_id: `${id}-${i}`, customer: id, code: 'pc_calls' })) });
  return { id, sub: sub.id };
}

async function openChange(page: Page, id: string) {
  await page.goto(`${server().url}/#/customers/${id}/subscription`);
  await page.getByRole('button', { name: 'Change plan…' }).click();
  return page.getByRole('dialog');
}

test('downgrade at the period end: the default timing is explained, the confirmation names customer and plans, the tab shows the scheduled move, and it can be cancelled', async ({ page }) => {
  const client = api(server().url);
  const { id, sub } = await customerOnPro('Acme Bakery');
  await login(page, server().url);
  const dlg = await openChange(page, id);
  await expect(dlg).toContainText("Change Acme Bakery's plan");
  await expect(dlg).toContainText('Now on Pro (pc-pro), $50.00 a month, in advance.');
  await dlg.getByRole('combobox', { name: 'New plan' }).click();
  // The current plan is not offered.
  await expect(page.getByRole('option', { name: /pc-pro/ })).toHaveCount(0);
  await page.getByRole('option', { name: /Basic \(pc-basic\)/ }).click();
  await expect(dlg.getByTestId('change-kind')).toContainText('A downgrade: the fixed fee goes from $50.00 a month, in advance to $10.00 a month, in advance.');
  await expect(dlg.getByTestId('change-kind')).toContainText('a downgrade takes effect at the end of the period');
  await expect(dlg.getByRole('radio', { name: /At the end of the period .*\(default for a downgrade\)/ })).toBeChecked();
  // Carrying usage only matters for a change now.
  await expect(dlg.getByRole('checkbox', { name: "Carry this period's usage into the new plan" })).toBeDisabled();
  await page.screenshot({ path: '/tmp/plan-change-choose.png' });
  expect(await seriousViolations(page)).toEqual([]);

  await dlg.getByRole('button', { name: 'Review change' }).click();
  await expect(dlg.getByTestId('change-plan-object')).toContainText('Move Acme Bakery from Pro (pc-pro) to Basic (pc-basic) at the end of the period');
  await expect(dlg.getByRole('button', { name: 'Back' })).toBeFocused();
  await page.screenshot({ path: '/tmp/plan-change-confirm.png' });
  expect(await seriousViolations(page)).toEqual([]);
  await dlg.getByRole('button', { name: /^Schedule Basic for / }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await expect(page.getByTestId('scheduled-change')).toContainText('moves to Basic (pc-basic) on');
  const s = (await client.call('listSubscriptions', { customer: id })).data.find((x) => x.id === sub)!;
  expect(s.plan).toBe('pc-pro');
  expect(s.next_plan).toBe('pc-basic');
  await page.screenshot({ path: '/tmp/plan-change-scheduled.png' });
  expect(await seriousViolations(page)).toEqual([]);

  // Cancel the scheduled change: the customer stays on Pro.
  await page.getByRole('button', { name: 'Cancel the change' }).click();
  await expect(page.getByTestId('scheduled-change')).toHaveText('nothing');
  expect((await client.call('listSubscriptions', { customer: id })).data.find((x) => x.id === sub)!.next_plan).toBeNull();
});

test('upgrade now: the active plan changes at once, with the carry-usage choice sent', async ({ page }) => {
  const client = api(server().url);
  const { id, sub } = await customerOnPro('Globex Foods');
  await login(page, server().url);
  const dlg = await openChange(page, id);
  await dlg.getByRole('combobox', { name: 'New plan' }).click();
  await page.getByRole('option', { name: /Scale \(pc-scale\)/ }).click();
  await expect(dlg.getByTestId('change-kind')).toContainText('An upgrade');
  await expect(dlg.getByRole('radio', { name: /Now, prorated \(default for an upgrade\)/ })).toBeChecked();
  const carry = dlg.getByRole('checkbox', { name: "Carry this period's usage into the new plan" });
  await expect(carry).toBeChecked();
  await carry.uncheck();
  await dlg.getByRole('button', { name: 'Review change' }).click();
  await expect(dlg.getByTestId('change-plan-object')).toContainText('Move Globex Foods from Pro (pc-pro) to Scale (pc-scale) now, prorated?');
  await expect(dlg).toContainText('Not carried: the new plan counts from zero');
  await dlg.getByRole('button', { name: 'Move to Scale now' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await expect(page.getByRole('heading', { level: 2, name: 'Scale' })).toBeVisible();
  await expect(page.getByTestId('scheduled-change')).toHaveText('nothing');
  const s = (await client.call('listSubscriptions', { customer: id })).data.find((x) => x.id === sub)!;
  expect(s.plan).toBe('pc-scale');
  expect(s.next_plan).toBeNull();
  expect(s.carry_usage).toBe(false);

  // A downgrade can be forced to happen now too.
  const again = await openChange(page, id);
  await again.getByRole('combobox', { name: 'New plan' }).click();
  await page.getByRole('option', { name: /Basic \(pc-basic\)/ }).click();
  await again.getByRole('radio', { name: /^Now, prorated/ }).check();
  await again.getByRole('button', { name: 'Review change' }).click();
  await again.getByRole('button', { name: 'Move to Basic now' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Basic' })).toBeVisible();
  expect((await client.call('listSubscriptions', { customer: id })).data.find((x) => x.id === sub)!.plan).toBe('pc-basic');
});

test("the API's refusal is shown in words in the dialog", async ({ page }) => {
  const client = api(server().url);
  const { id, sub } = await customerOnPro('Initech Labs');
  await login(page, server().url);
  const dlg = await openChange(page, id);
  await dlg.getByRole('combobox', { name: 'New plan' }).click();
  await page.getByRole('option', { name: /Scale \(pc-scale\)/ }).click();
  await dlg.getByRole('button', { name: 'Review change' }).click();
  // Meanwhile, someone terminates the subscription through the API.
  await client.call('terminateSubscription', { id: sub, at: 'now' });
  await dlg.getByRole('button', { name: 'Move to Scale now' }).click();
  await expect(dlg.getByRole('alert')).toContainText(`Subscription ${sub} is terminated.`);
  await expect(dlg.getByRole('alert')).toContainText('invalid_state');
});
