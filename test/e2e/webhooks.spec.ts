import { expect, test } from '@playwright/test';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { api, uid } from './helpers/api';
import { startServer, type OwnServer } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4179;
const RECEIVER_PORT = 4180;
let server: OwnServer;

interface Received {
  id: string;
  signature: string;
  body: string;
  type: string;
}

/** A receiver of our own: records every message; answers 500 while `failing`. */
const receiver = {
  got: [] as Received[],
  failing: false,
  server: null as http.Server | null,
};

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startServer(PORT);
  receiver.server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      receiver.got.push({ id: String(req.headers['tollgate-webhook-id'] ?? ''), signature: String(req.headers['tollgate-signature'] ?? ''), body, type: (JSON.parse(body) as { type: string }).type });
      res.writeHead(receiver.failing ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(receiver.failing ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((r) => receiver.server!.listen(RECEIVER_PORT, '127.0.0.1', r));
});

test.afterAll(async () => {
  await server?.stop();
  await new Promise<void>((r) => (receiver.server ? receiver.server.close(() => r()) : r()));
});

function verify(secret: string, header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  return createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2];
}

test('webhooks: create an endpoint (secret shown once), signed deliveries in the log with status, attempts and latency, a failing one, replay, disable, rotate, delete', async ({ page }) => {
  test.setTimeout(90_000);
  const client = api(server.url);
  await client.call('createAsset', { code: 'USD' });
  const id = uid('hooked');
  await client.call('createCustomer', { external_id: id, name: 'Hooked Inc.' });

  await login(page, server.url);
  await page.goto(`${server.url}/#/webhooks`);
  await page.getByTestId('new-endpoint').first().click();
  const dlg = page.getByRole('dialog', { name: 'New webhook endpoint' });
  await dlg.getByLabel('URL').fill(`http://127.0.0.1:${RECEIVER_PORT}/tollgate`);
  await dlg.getByLabel('Description (optional)').fill('Payment service');
  await dlg.getByTestId('endpoint-submit').click();
  // Shown once: the dialog cannot be dismissed until the operator says it is stored.
  const once = page.getByRole('dialog', { name: 'Store the signing secret now' });
  const secret = (await once.getByTestId('webhook-secret').textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await expect(once.getByRole('button', { name: 'Done' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(once).toBeVisible();
  await once.getByLabel('I stored it somewhere safe').check();
  await once.getByRole('button', { name: 'Done' }).click();
  const row = page.getByTestId('endpoint-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('every type');
  const endpointId = (await row.getAttribute('data-endpoint'))!;

  // "Send a test message": a signed webhook.test arrives, and the console says what the receiver answered.
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menuitem', { name: 'Send a test message' }).click();
  await expect(page.getByText('Test message delivered')).toBeVisible();
  await expect(page.getByText(/answered HTTP 200 in \d+ ms/)).toBeVisible();
  const probe = receiver.got.find((g) => g.type === 'webhook.test')!;
  expect(verify(secret, probe.signature, probe.body)).toBe(true);
  receiver.got.length = 0; // the rest counts real messages only

  // A top-up sends wallet.topped_up, signed with the secret.
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '5000', idempotency_key: uid('tu') });
  await expect.poll(() => receiver.got.filter((g) => g.type === 'wallet.topped_up').length, { timeout: 15_000 }).toBe(1);
  const first = receiver.got.find((g) => g.type === 'wallet.topped_up')!;
  expect(verify(secret, first.signature, first.body)).toBe(true);

  await page.goto(`${server.url}/#/webhooks/deliveries`);
  const delivered = page.locator('[data-testid="delivery-row"][data-type="wallet.topped_up"]');
  await expect(delivered).toHaveAttribute('data-status', 'delivered');
  await expect(delivered.getByTestId('last-status')).toHaveText('HTTP 200');
  await expect(delivered).toContainText(' ms');

  // The receiver fails: the delivery stays pending with its attempt, the response code and a retry time.
  receiver.failing = true;
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '700', idempotency_key: uid('tu') });
  await expect.poll(() => receiver.got.filter((g) => g.type === 'wallet.topped_up').length, { timeout: 15_000 }).toBe(2);
  await page.getByTestId('delivery-status-filter').getByText('Pending').click();
  await expect(page).toHaveURL(/status=pending/);
  const failing = page.locator('[data-testid="delivery-row"][data-status="pending"]').first();
  await expect(failing.getByTestId('last-status')).toHaveText('HTTP 500');
  await expect(failing).toContainText('retry in');

  // Replay the delivered message: the receiver gets the same message id again.
  receiver.failing = false;
  await page.getByTestId('delivery-status-filter').getByText('Delivered').click();
  const before = receiver.got.length;
  await page.locator('[data-testid="delivery-row"][data-status="delivered"]').first().getByRole('button', { name: /^Replay/ }).click();
  await expect.poll(() => receiver.got.length, { timeout: 15_000 }).toBeGreaterThan(before);
  expect(receiver.got[receiver.got.length - 1]!.id).toBe(first.id);
  // The message body is in the log.
  await page.locator('[data-testid="delivery-row"]').first().getByRole('button', { name: /^Show the message/ }).click();
  await expect(page.locator('pre').first()).toContainText('"type": "wallet.topped_up"');

  // Disable (messages wait), then rotate the secret: a new one, shown once.
  await page.goto(`${server.url}/#/webhooks/endpoints`);
  await row.getByRole('switch').click({ force: true });
  await expect(row).toHaveAttribute('data-enabled', 'false');
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menuitem', { name: 'Rotate secret…' }).click();
  const rot = page.getByRole('dialog', { name: 'Rotate the signing secret' });
  await expect(rot.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await rot.getByRole('button', { name: 'Rotate the secret' }).click();
  const next = (await page.getByTestId('webhook-secret').textContent())!.trim();
  expect(next).toMatch(/^whsec_/);
  expect(next).not.toBe(secret);
  await page.getByLabel('I stored it somewhere safe').check();
  await page.getByRole('button', { name: 'Done' }).click();
  const ep = (await client.call('listWebhookEndpoints', {})).data.find((e) => e.id === endpointId)!;
  expect(ep.enabled).toBe(false);

  // Delete it: the confirmation says what goes with it; the row and its deliveries are gone.
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  const del = page.getByRole('dialog', { name: 'Delete the webhook endpoint' });
  await expect(del).toContainText('Its delivery log is deleted with it.');
  await del.getByRole('button', { name: 'Delete the endpoint' }).click();
  await expect(page.locator(`[data-testid="endpoint-row"][data-endpoint="${endpointId}"]`)).toHaveCount(0);
  expect((await client.call('listWebhookEndpoints', {})).data.some((e) => e.id === endpointId)).toBe(false);
  expect((await client.call('listWebhookDeliveries', { endpoint: endpointId })).data).toEqual([]);
});

test('alerts: a balance rule set on the customer page fires when usage drains the wallet; auto top-up rule', async ({ page }) => {
  test.setTimeout(60_000);
  const client = api(server.url);
  await client.call('createMetric', { code: 'hook_calls', aggregation: 'count' }).catch(() => null);
  await client.call('createPlan', { code: 'hook-plan', name: 'Hook plan', interval: 'monthly', charges: [{ metric: 'hook_calls', asset: 'USD', model: 'standard', properties: { unit_price: '1.00' } }] });
  const id = uid('alerted');
  await client.call('createCustomer', { external_id: id, name: 'Alerted Co' });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '1000', idempotency_key: uid('tu') });
  await client.call('createSubscription', { customer: id, plan: 'hook-plan' });

  await login(page, server.url);
  await page.goto(`${server.url}/#/customers/${id}/alerts`);
  await page.getByRole('button', { name: 'New alert' }).click();
  const dlg = page.getByRole('dialog', { name: `New alert for ${id}` });
  await dlg.getByLabel('Threshold').fill('5.00');
  await dlg.getByLabel('Name (optional)').fill('Low balance');
  await dlg.getByRole('button', { name: 'Create alert' }).click();
  const rule = page.getByTestId('alert-rule');
  await expect(rule).toContainText('USD available below $5.00');
  await expect(rule).toContainText('armed');

  // Six calls at $1.00 take $10.00 to $4.00: the rule fires once, a toast says so, the list shows it.
  await client.call('ingestBatch', { events: Array.from({ length: 6 }, (_, i) => ({ transaction_id: `${id}-${i}`, customer: id, code: 'hook_calls' })) });
  await expect(page.getByRole('alert').filter({ hasText: id }).first()).toBeVisible({ timeout: 15_000 });
  await expect(rule).toContainText('fired', { timeout: 15_000 });
  await expect(page.getByTestId('alert-events')).toContainText('wallet.low_balance');

  // Auto top-up: up to $50.00 below $5.00.
  await page.getByRole('button', { name: 'Set up auto top-up' }).click();
  const auto = page.getByRole('dialog', { name: `Auto top-up for ${id}` });
  await auto.getByLabel('When below').fill('5.00');
  await auto.getByLabel('Bring it up to').fill('4.00');
  await expect(auto).toContainText('The target must be above the threshold');
  await auto.getByLabel('Bring it up to').fill('50.00');
  await auto.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByTestId('auto-top-ups')).toContainText('up to $50.00');

  // The Webhooks & alerts page lists the alert for every customer.
  await page.goto(`${server.url}/#/webhooks/alerts`);
  await expect(page.getByTestId('alert-events')).toContainText(id);
});
