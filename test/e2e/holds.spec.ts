import { expect, test } from '@playwright/test';
import { ADMIN_KEY, api, ensure, uid } from './helpers/api';
import { login } from './helpers/ui';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

test('an authorization made over the API appears as a hold on the customer page, then settles when captured by an event', async ({ page, request }) => {
  const client = api();
  await ensure(client.call('createAsset', { code: 'USD' }));
  await ensure(client.call('createMetric', { code: 'hold_calls', aggregation: 'count' }));
  await client.call('createPlan', { code: 'hold-plan', name: 'Hold plan', interval: 'monthly', charges: [{ metric: 'hold_calls', asset: 'USD', model: 'standard', properties: { unit_price: '1.20' } }] });
  const id = uid('holder');
  await client.call('createCustomer', { external_id: id, name: 'Hold Co' });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '10000' });
  await client.call('createSubscription', { customer: id, plan: 'hold-plan' });

  await login(page);
  await page.goto(`/#/customers/${id}/wallet`);
  await expect(page.getByTestId('available-USD')).toHaveAttribute('data-value', '10000');
  await expect(page.getByTestId('holds-table')).toHaveCount(0);

  const auth = await request.post('/v1/authorizations', { headers: admin, data: { customer: id, asset: 'USD', amount: '300', idempotency_key: uid('idem') } });
  expect(auth.status()).toBe(201);
  const hold = (await auth.json()) as { id: string };

  const row = page.locator(`[data-testid="hold-row"][data-hold="${hold.id}"]`);
  await expect(row).toHaveAttribute('data-status', 'pending');
  await expect(row).toContainText('Held');
  await expect(row).toContainText('$3.00');
  await expect(page.getByTestId('pending-USD')).toHaveAttribute('data-value', '300');
  await expect(page.getByTestId('available-USD')).toHaveAttribute('data-value', '9700');

  const ev = await request.post('/v1/events', { headers: admin, data: { transaction_id: uid('cap'), customer: id, code: 'hold_calls', authorization_id: hold.id } });
  expect(ev.status()).toBe(201);
  await expect(row).toHaveAttribute('data-status', 'captured');
  await expect(row).toContainText('Captured');
  await expect(page.getByTestId('pending-USD')).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('available-USD')).toHaveAttribute('data-value', '9880');
});
