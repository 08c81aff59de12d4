import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { api, uid } from './helpers/api';
import { startServer, type OwnServer } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4182;
let server: OwnServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startServer(PORT);
  const client = api(server.url);
  await client.call('createAsset', { code: 'USD' });
  await client.call('createMetric', { code: 'life_calls', aggregation: 'count' });
  await client.call('createPlan', { code: 'life', name: 'Life', interval: 'monthly', charges: [{ metric: 'life_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.50' } }] });
});
test.afterAll(async () => {
  await server?.stop();
});

async function seed(id: string, email?: string) {
  const client = api(server.url);
  await client.call('createCustomer', { external_id: id, name: `${id} GmbH`, ...(email ? { email } : {}) });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '5000', idempotency_key: `${id}-paid` });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '1000', kind: 'granted', idempotency_key: `${id}-grant` });
  await client.call('createSubscription', { customer: id, plan: 'life' });
  await client.call('ingestBatch', { events: Array.from({ length: 4 }, (_, i) => ({ transaction_id: `${id}-${i}`, customer: id, code: 'life_calls' })) });
  await client.call('createAuthorization', { customer: id, asset: 'USD', amount: '500', idempotency_key: `${id}-hold` });
}

test('close a customer: reason, refund of unused paid credit, the returned summary; archive and undo; export the data; embed a live balance', async ({ page }) => {
  test.setTimeout(60_000);
  const id = uid('closing');
  await seed(id);
  await login(page, server.url);
  await page.goto(`${server.url}/#/customers/${id}/wallet`);
  await expect(page.getByTestId('available-USD')).toBeVisible();

  // Archive runs at once and offers an undo.
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Archive' }).click();
  await expect(page.getByTestId('customer-status')).toHaveText('archived');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('customer-status')).toHaveCount(0);

  // Subject access export: everything as JSON.
  await page.getByRole('button', { name: 'More' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export customer data (JSON)' }).click()]);
  const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { customer: { external_id: string }; events: unknown[]; top_ups: unknown[] };
  expect(data.customer.external_id).toBe(id);
  expect(data.events).toHaveLength(4);
  expect(data.top_ups).toHaveLength(2);

  // Embed: a read token for this customer reads its balance, and the snippet carries it.
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Embed a live balance…' }).click();
  const embed = page.getByRole('dialog', { name: 'Embed a live balance' });
  await expect(embed.getByTestId('embed-snippet')).toContainText(`const TG = '${server.url}'`);
  await expect(embed.getByTestId('embed-snippet')).toContainText(`/v1/customers/${id}/balances`);
  await embed.getByTestId('mint-token').click();
  const token = (await embed.getByTestId('read-token').locator('code').textContent())!.trim();
  expect(token).toMatch(/^tgr_/);
  await expect(embed.getByTestId('embed-snippet')).toContainText(token);
  await embed.getByRole('button', { name: 'Read the balance with it' }).click();
  await expect(embed.getByTestId('token-test')).toContainText('HTTP 200: USD available');
  await embed.getByRole('button', { name: 'Close', exact: true }).click();

  // Close: Cancel has the focus; a reason is required; the engine's summary is shown.
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Close customer…' }).click();
  const dlg = page.getByRole('dialog', { name: `Close ${id}` });
  await expect(dlg.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(dlg.getByRole('button', { name: `Close ${id}` })).toBeDisabled();
  await dlg.getByLabel('Reason').fill('Contract ended');
  await dlg.getByRole('button', { name: `Close ${id}` }).click();
  const summary = page.getByTestId('close-summary');
  await expect(summary).toBeVisible();
  await expect(page.getByTestId('closed-subscriptions')).toHaveText('1');
  // $50 paid and $10 granted; the $2 of usage drew on the grant first (grants before paid credit), the hold is voided:
  // the paid $50 is refunded whole and the $8 left of the grant goes to breakage.
  await expect(page.getByTestId('closed-refunded')).toContainText('$50.00');
  await expect(page.getByTestId('closed-breakage')).toContainText('$8.00');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('customer-status')).toHaveText('closed');
  await expect(page.getByTestId('open-topup')).toBeDisabled();
});

test('erase a customer: typed confirmation of the external id, reason; the tombstone and the retention', async ({ page }) => {
  test.setTimeout(60_000);
  const id = uid('erasing');
  await seed(id, 'dpo@erasing.test');
  await login(page, server.url);
  await page.goto(`${server.url}/#/customers/${id}/details`);
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Erase personal data…' }).click();
  const dlg = page.getByRole('dialog', { name: `Erase ${id}'s personal data` });
  await expect(dlg.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(dlg).toContainText('3,650 days');
  const erase = dlg.getByRole('button', { name: `Erase ${id}` });
  await dlg.getByLabel('Reason').fill('Erasure request, ticket 4411');
  await expect(erase).toBeDisabled();
  await dlg.getByTestId('erase-confirm-input').fill(id.slice(0, -1));
  await expect(erase).toBeDisabled();
  await dlg.getByTestId('erase-confirm-input').fill(id);
  await erase.click();
  const result = page.getByTestId('erase-result');
  const tombstone = (await result.getByTestId('tombstone').textContent())!.trim();
  expect(tombstone).toMatch(/^erased_[0-9a-f]+$/);
  await expect(result.getByTestId('retained')).toBeVisible();
  await expect(page.getByTestId('closed-subscriptions')).toHaveText('1');
  await page.getByRole('button', { name: 'Open the erased record' }).click();
  await expect(page).toHaveURL(new RegExp(`#/customers/${tombstone}/details`));
  await expect(page.getByTestId('customer-status')).toHaveText('erased');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tombstone);
  // The old id is gone.
  const old = await api(server.url).call('getCustomer', { external_id: id }).catch((e: { code: string }) => e.code);
  expect(old).toBe('customer_not_found');
});
