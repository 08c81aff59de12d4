import { expect, test } from '@playwright/test';
import { api, uid } from './helpers/api';
import { billNow, seedPostpaid } from './helpers/invoices';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/** Fixes from the console review: credit-note cap, refusal money and layout, wallet status, palette Enter, closed badge. */
const PORT = 4186;
const server = serverForSpec(PORT, { serial: true });

test('credit note: "every line in full" never offers more than the total less what was credited (coupon line), and a refusal reads as money', async ({ page }) => {
  test.setTimeout(90_000);
  const client = api(server().url);
  const id = uid('coupon');
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  await client.call('createCoupon', { code: `ten-${id}`.slice(0, 40), kind: 'fixed', asset: 'USD', amount: '1000', frequency: 'once' } as never);
  await seedPostpaid(client, id, { name: 'Coupon Co' });
  await client.call('applyCoupon', { external_id: id, coupon: `ten-${id}`.slice(0, 40) });
  let [inv] = await billNow(client, id);
  if (inv!.status === 'draft') inv = await client.call('finalizeInvoice', { id: inv!.id });
  const coupon = inv!.lines.find((l) => l.kind === 'coupon' || BigInt(l.amount) < 0n);
  expect(coupon, 'the invoice has a coupon line').toBeTruthy();
  const fee = inv!.lines.find((l) => /fixed fee/.test(l.description))!;
  // $5 already credited (plus its tax).
  await client.call('createCreditNote', { id: inv!.id, reason: 'other', settlement: 'credit', lines: [{ line_id: fee.id, amount: '500' }], idempotency_key: `${id}-cn1` });
  inv = await client.call('getInvoice', { id: inv!.id });
  const room = BigInt(inv!.total) - BigInt(inv!.credited);
  const sumLeft = inv!.lines.filter((l) => !l.informational && l.kind !== 'coupon' && BigInt(l.amount) > 0n).reduce((t, l) => t + BigInt(l.amount) - BigInt(l.credited), 0n);
  const taxBase = inv!.taxes.reduce((t, x) => t + BigInt(x.base), 0n);
  const withTax = sumLeft + (taxBase > 0n ? (BigInt(inv!.tax) * sumLeft) / taxBase : 0n);
  expect(withTax, 'every line in full, with its tax, is more than the invoice has left (the coupon)').toBeGreaterThan(room);

  await login(page, server().url);
  await page.goto(`${server().url}/#/invoices/${inv!.id}`);
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Credit note…' }).click();
  const cn = page.getByRole('dialog', { name: /Credit note for/ });
  await cn.getByRole('button', { name: 'Credit every line in full' }).click();
  const dollars = (m: bigint) => `$${(Number(m) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
  await expect(cn.getByTestId('credit-room')).toContainText(dollars(room));
  await expect(cn.getByTestId('credit-note-total')).toContainText(dollars(room));
  await expect(cn.getByTestId('credit-too-much')).toHaveCount(0);
  await expect(cn.getByTestId('credit-note-submit')).toBeEnabled();

  // The server's refusal (here provoked by asking for more than is left of a line behind the
  // dialog's back) is shown as the engine wrote it: its amounts as money, not minor units.
  await page.route('**/credit-notes', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as { lines: { line_id: string; amount: string }[] };
    body.lines = body.lines.map((l) => ({ ...l, amount: (BigInt(l.amount) + 100_000n).toString() }));
    await route.continue({ postData: JSON.stringify(body) });
  });
  await cn.getByTestId('credit-note-submit').click();
  const alert = cn.getByRole('alert');
  await expect(alert).toContainText('validation_failed');
  await expect(alert).toContainText(/at most \d+\.\d\d USD is left to credit on "[^"]+" \(\d+\.\d\d USD asked\)/);
  await page.unroute('**/credit-notes');

  // Without interference, the capped credit note goes through.
  await cn.getByTestId('credit-note-submit').click();
  await expect(cn).toHaveCount(0);
  await expect(page.getByTestId('credit-note-row')).toHaveCount(2);
  const after = await client.call('getInvoice', { id: inv!.id });
  expect(after.credited).toBe(after.total);
});

test('refused tab: a long body stays inside its card at 1440 and 1024, and the insufficient-funds message reads as money, as the engine wrote it', async ({ page }) => {
  const client = api(server().url);
  const id = uid('refused');
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  await client.call('createMetric', { code: 'rv_calls', aggregation: 'count' }).catch(() => null);
  await client.call('createPlan', { code: 'rv-plan', name: 'RV', interval: 'monthly', charges: [{ metric: 'rv_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.94' } }] }).catch(() => null);
  await client.call('createCustomer', { external_id: id, name: 'Refused Ltd' });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '1', idempotency_key: `${id}-tu` });
  await client.call('createSubscription', { customer: id, plan: 'rv-plan' });
  const long = 'x'.repeat(600);
  await client.call('ingestBatch', { events: [{ transaction_id: `${id}-1`, customer: id, code: 'rv_calls', on_insufficient_funds: 'refuse', properties: { note: long, prompt: long } }] } as never).catch(() => null);

  await login(page, server().url);
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${server().url}/#/events/refused`);
    const group = page.getByTestId('refusal-insufficient_funds');
    await expect(group).toBeVisible();
    const msg = group.getByTestId('refusal-message').filter({ hasText: id }).first();
    await expect(msg).toHaveText(`The USD wallet of ${id} cannot cover this event: it costs 0.94 USD, available 0.01 USD.`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `page wider than the ${width}px window`).toBeLessThanOrEqual(0);
    const body = group.getByTestId('refusal-body').first();
    const box = await body.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);
    if (width === 1024) await page.screenshot({ path: 'test-results/refused-1024.png', fullPage: false });
  }
});

test('a $0.00 wallet that burns is Empty everywhere (never Negative), and its card says "empty now"', async ({ page }) => {
  const client = api(server().url);
  const id = uid('zero');
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  await client.call('createMetric', { code: 'zero_calls', aggregation: 'count' }).catch(() => null);
  await client.call('createPlan', { code: 'zero-plan', name: 'Zero', interval: 'monthly', charges: [{ metric: 'zero_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.50' } }] }).catch(() => null);
  await client.call('createCustomer', { external_id: id, name: 'Zero Inc' });
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '100', idempotency_key: `${id}-tu` });
  await client.call('createSubscription', { customer: id, plan: 'zero-plan' });
  await client.call('ingestBatch', { events: [0, 1].map((i) => ({ transaction_id: `${id}-${i}`, customer: id, code: 'zero_calls' })) });
  const bal = await client.call('getBalances', { external_id: id });
  expect(bal.balances.find((b) => b.asset === 'USD')!.available).toBe('0');

  await login(page, server().url);
  await page.goto(`${server().url}/#/customers/${id}/wallet`);
  const card = page.getByTestId('wallet-USD');
  await expect(card).toContainText('Empty');
  await expect(card).not.toContainText('Negative');
  await expect(card).toContainText('empty now');
  await expect(card).not.toContainText('empty in empty');

  await page.goto(`${server().url}/#/customers`);
  const row = page.locator(`[data-testid="customer-row"][data-customer="${id}"]`);
  await expect(row).toContainText('Empty');

  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`${server().url}/#/monitor`);
  // At 1024 the wallet list merges columns so that it fits: no sideways scroll, in the card or the page.
  const list = page.getByRole('region', { name: 'Wallets by time to empty' }).or(page.locator('.tg-vlist')).first();
  await expect(list).toBeVisible();
  const { scrollW, clientW } = await list.evaluate((el) => ({ scrollW: el.scrollWidth, clientW: el.clientWidth }));
  expect(scrollW).toBeLessThanOrEqual(clientW);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/monitor-1024.png' });
  const mrow = page.getByRole('row').filter({ hasText: id }).first();
  if (await mrow.count()) {
    await expect(mrow).toContainText('Empty');
    await expect(mrow).not.toContainText('Negative');
  }
});

test('a postpaid customer within its credit limit is never Negative: the list and the overview show its credit used against the limit', async ({ page }) => {
  const client = api(server().url);
  const id = uid('postpaid-ok');
  await client.call('createAsset', { code: 'USD' }).catch(() => null);
  await client.call('createMetric', { code: 'pp_calls', aggregation: 'count' }).catch(() => null);
  await client.call('createPlan', { code: 'pp-plan', name: 'PP', interval: 'monthly', charges: [{ metric: 'pp_calls', asset: 'USD', model: 'standard', properties: { unit_price: '340.16' } }] }).catch(() => null);
  await client.call('createCustomer', { external_id: id, name: 'Postpaid Within Limit', billing_mode: 'postpaid', on_insufficient_funds: 'record_as_debt', overdraft_limits: [{ asset: 'USD', amount: '500000' }] } as never);
  await client.call('createSubscription', { customer: id, plan: 'pp-plan' });
  await client.call('ingestBatch', { events: [{ transaction_id: `${id}-0`, customer: id, code: 'pp_calls' }] });
  const wallets = await client.call('listCustomerWallets', { search: id });
  const usd = wallets.data[0]!.balances.find((b) => b.asset === 'USD')!;
  expect(usd.available).toBe('-34016');
  expect(usd.status).not.toBe('negative');
  const mon = (await client.call('getWalletMonitor', { limit: 500 })).wallets.find((w) => w.customer === id);

  await login(page, server().url);
  await page.goto(`${server().url}/#/customers`);
  const row = page.locator(`[data-testid="customer-row"][data-customer="${id}"]`);
  await expect(row).toContainText('credit used $340.16 of $5,000.00');
  await expect(row).toContainText(usd.status === 'low' ? 'Low' : 'OK');
  await expect(row).not.toContainText('Negative');

  await page.goto(`${server().url}/#/`);
  const low = page.getByRole('table', { name: 'Wallets running low' });
  const lowRow = page.getByRole('row').filter({ hasText: 'Postpaid Within Limit' });
  if (mon && mon.status !== 'ok') {
    // Near its limit at this burn rate: listed as Low, with its credit used, never as Negative.
    await expect(low.getByRole('row').filter({ hasText: 'Postpaid Within Limit' })).toContainText('credit used $340.16 of $5,000.00');
    await expect(low.getByRole('row').filter({ hasText: 'Postpaid Within Limit' }).getByTestId('low-wallet-status')).toHaveText('Low');
  } else {
    // Well inside its limit: ok, so not running low at all.
    await expect(page.getByRole('heading', { name: 'Running low' })).toBeVisible();
    await expect(lowRow).toHaveCount(0);
  }

  await page.goto(`${server().url}/#/customers/${id}/wallet`);
  const card = page.getByTestId('wallet-USD');
  await expect(card).toContainText('credit used $340.16 of $5,000.00');
  await expect(card).not.toContainText('Negative');
  await expect(card).not.toContainText('below zero');
});

test('command palette: Enter opens the first result of the query', async ({ page }) => {
  const client = api(server().url);
  const id = uid('palette');
  await client.call('createCustomer', { external_id: id, name: 'Palette Corp' });
  await login(page, server().url);
  await page.goto(`${server().url}/#/`);
  await page.keyboard.press('Control+K');
  const search = page.getByRole('textbox', { name: 'Command palette search' });
  await search.fill('Audit');
  await search.press('Enter');
  await expect(page).toHaveURL(/#\/audit/);
  await expect(search).toBeHidden();

  await page.keyboard.press('Control+K');
  await expect(search).toBeVisible();
  await search.fill(id);
  await expect(page.locator('[data-action]', { hasText: 'Palette Corp' })).toBeVisible();
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/customers/${id}`));
});

test('customers list: a closed customer carries a "closed" badge', async ({ page }) => {
  const client = api(server().url);
  const open = uid('open');
  const closed = uid('closed');
  await client.call('createCustomer', { external_id: open, name: 'Still Open' });
  await client.call('createCustomer', { external_id: closed, name: 'Gone Away' });
  await client.call('closeCustomer', { external_id: closed, reason: 'contract ended' });
  await login(page, server().url);
  await page.goto(`${server().url}/#/customers`);
  const closedRow = page.locator(`[data-testid="customer-row"][data-customer="${closed}"]`);
  await expect(closedRow.getByTestId('customer-status-badge')).toHaveText('closed');
  await expect(page.locator(`[data-testid="customer-row"][data-customer="${open}"]`).getByTestId('customer-status-badge')).toHaveCount(0);
});
