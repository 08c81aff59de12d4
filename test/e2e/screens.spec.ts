import { expect, type Page, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { api } from './helpers/api';
import { installFakeBridge } from './helpers/fake-bridge';
import { billNow, seedPostpaid } from './helpers/invoices';
import { seedRealistic, trickle } from './helpers/seed';
import { seriousViolations } from './helpers/a11y';
import { startServer, type OwnServer } from './helpers/server';
import { login, pickMetric } from './helpers/ui';

const PORT = 4177;
const RECEIVER_PORT = 4184;
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
let server: OwnServer;
let receiver: http.Server;
/** The invoice the detail screenshot shows (finalized, partly paid, with a credit note). */
let detailId = '';

/** Invoices, webhooks, alerts and backups on top of the realistic data. */
async function seedOperations(url: string): Promise<void> {
  const client = api(url);
  // Webhooks first, so the seeding below produces deliveries: one endpoint that answers, one that is down.
  await client.call('createWebhookEndpoint', { url: `http://127.0.0.1:${RECEIVER_PORT}/tollgate`, description: 'Payment service', event_types: ['*'] });
  await client.call('createWebhookEndpoint', { url: 'http://127.0.0.1:9/down', description: 'Old CRM sync (down)', event_types: ['wallet.low_balance', 'invoice.finalized'] });
  await client.call('updateSettings', { company: { legal_name: 'Tollgate Demo GmbH', address: ['Torstraße 1', '10119 Berlin'], country: 'DE', tax_id: 'DE123456789', email: 'billing@tollgate.test' }, invoice_prefix: 'TG' });
  const customers = [
    { id: 'northwind', name: 'Northwind Traders', calls: 25 },
    { id: 'contoso', name: 'Contoso Ltd', calls: 480 },
    { id: 'vandelay', name: 'Vandelay Industries', calls: 60, taxTreatment: 'reverse_charge' as const },
    { id: 'wonka', name: 'Wonka Industries', calls: 12 },
  ];
  const invoices: Record<string, string> = {};
  for (const c of customers) {
    await seedPostpaid(client, c.id, { name: c.name, calls: c.calls, ...(c.taxTreatment ? { taxTreatment: c.taxTreatment } : {}) });
    invoices[c.id] = (await billNow(client, c.id))[0]!.id;
  }
  for (const c of ['northwind', 'contoso', 'vandelay']) await client.call('finalizeInvoice', { id: invoices[c]! }).catch(() => null);
  const contoso = await client.call('getInvoice', { id: invoices.contoso! });
  await client.call('recordPayment', { id: contoso.id, amount: '5000', method: 'bank_transfer', reference: 'SEPA 2026-11-20' });
  const fee = contoso.lines.find((l) => l.kind === 'fixed_fee')!;
  await client.call('createCreditNote', { id: contoso.id, reason: 'product_unsatisfactory', settlement: 'credit', lines: [{ line_id: fee.id, amount: '1000' }] });
  detailId = contoso.id;
  await client.call('recordPayment', { id: invoices.vandelay!, amount: (await client.call('getInvoice', { id: invoices.vandelay! })).amount_outstanding, method: 'card' });
  // Alerts and auto top-up.
  await client.call('createAlertRule', { customer: 'soylent', kind: 'balance', asset: 'USD', threshold: '500', name: 'Low balance' });
  await client.call('createAlertRule', { customer: 'initech', kind: 'usage', metric: 'api_calls', threshold: '500' });
  await client.call('setAutoTopUp', { customer: 'acme', asset: 'USD', threshold: '10000', mode: 'target', amount: '100000', daily_cap: '500000' });
  await client.call('ingestBatch', { events: Array.from({ length: 40 }, (_, i) => ({ transaction_id: `ops-soylent-${i}`, customer: 'soylent', code: 'api_calls' })) }).catch(() => null);
  await client.call('createBackup', {});
  await client.call('updateBackupSettings', { interval_hours: 24, keep: 7 });
  await client.call('createBackup', {});
  // An authorization the wallet cannot cover: declined, and counted with the refused events.
  await client.call('createAuthorization', { customer: 'soylent', asset: 'USD', amount: '500000', idempotency_key: 'ops-declined' }).catch(() => null);
  // Coupons: the list, and two applied to acme (its Subscription tab shows them).
  await client.call('createCoupon', { code: 'welcome50', name: 'Welcome credit', kind: 'fixed', asset: 'USD', amount: '5000', frequency: 'once' });
  await client.call('createCoupon', { code: 'launch20', name: 'Launch offer', kind: 'percentage', percentage: '20', frequency: 'recurring', periods: 3, plans: ['growth'] });
  await client.call('createCoupon', { code: 'partner', name: 'Partner discount', kind: 'percentage', percentage: '12.5', frequency: 'forever', metrics: ['api_calls'] });
  await client.call('createCoupon', { code: 'loyalty', name: 'Loyalty', kind: 'fixed', asset: 'USD', amount: '1000', frequency: 'forever', expires_at: new Date(Date.now() + 90 * 86400_000).toISOString() });
  await client.call('applyCoupon', { external_id: 'acme', coupon: 'launch20' });
  await client.call('applyCoupon', { external_id: 'acme', coupon: 'welcome50' });
  // The latest audit entry: an edit, for the before/after view.
  await client.call('updateCustomer', { external_id: 'piedpiper', email: 'finance@piedpiper.test', payment_terms_days: 45 });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  mkdirSync(OUT, { recursive: true });
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(RECEIVER_PORT, '127.0.0.1', r));
  server = await startServer(PORT);
  const client = api(server.url);
  await seedRealistic(client);
  await seedOperations(server.url);
  await trickle(client, 1);
});

test.afterAll(async () => {
  await server?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

/** Every page of the console, with what to wait for before a screenshot or an audit. */
const PAGES: { name: string; path: string | (() => string); dark?: boolean; shot?: boolean; ready: (p: Page) => Promise<void> }[] = [
  { name: 'overview', dark: true, path: '/', ready: async (p) => void (await expect(p.getByTestId('asset-card-USD')).toBeVisible()) },
  { name: 'getting-started', path: '/start', ready: async (p) => void (await expect(p.getByTestId('checklist').locator('[data-done="true"]')).toHaveCount(5)) },
  { name: 'customers', dark: true, path: '/customers', ready: async (p) => void (await expect(p.getByTestId('customer-row').first()).toBeVisible()) },
  { name: 'customer-wallet', dark: true, path: '/customers/acme/wallet', ready: async (p) => void (await expect(p.getByTestId('hold-row').first()).toBeVisible()) },
  { name: 'customer-activity', path: '/customers/acme/activity', ready: async (p) => void (await expect(p.getByTestId('activity-table')).toBeVisible()) },
  {
    name: 'customer-subscription',
    path: '/customers/acme/subscription',
    ready: async (p) => {
      await expect(p.getByText('Usage this period')).toBeVisible();
      await expect(p.getByTestId('applied-coupon-row')).toHaveCount(2);
    },
  },
  { name: 'customer-details', path: '/customers/piedpiper/details', ready: async (p) => void (await expect(p.getByRole('button', { name: 'Save changes' })).toBeVisible()) },
  { name: 'wallet-monitor', dark: true, path: '/monitor', ready: async (p) => void (await expect(p.getByTestId('monitor-row').first()).toBeVisible()) },
  { name: 'plans', path: '/plans', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Plans' })).toBeVisible()) },
  { name: 'plan-detail', dark: true, path: '/plans/growth', ready: async (p) => void (await expect(p.getByTestId('preview-total')).toBeVisible()) },
  { name: 'coupons', path: '/coupons', ready: async (p) => void (await expect(p.getByTestId('coupon-row')).toHaveCount(4)) },
  { name: 'events', dark: true, path: '/events', ready: async (p) => void (await expect(p.getByTestId('event-row').first()).toBeVisible()) },
  { name: 'events-refused', path: '/events/refused', ready: async (p) => void (await expect(p.getByTestId('refusal-customer_not_found')).toBeVisible()) },
  { name: 'tco', dark: true, path: '/tco', ready: async (p) => void (await expect(p.getByTestId('tco-results')).toBeVisible()) },
  { name: 'settings-api-keys', dark: true, path: '/settings/keys', ready: async (p) => void (await expect(p.getByRole('table', { name: 'API keys' })).toBeVisible()) },
  { name: 'settings-endpoint', path: '/settings/endpoint', ready: async (p) => void (await expect(p.getByText('API reference')).toBeVisible()) },
  { name: 'settings-billing', path: '/settings/operator', ready: async (p) => void (await expect(p.getByLabel('Grace period (hours)')).toBeVisible()) },
  { name: 'invoices', dark: true, path: '/invoices', ready: async (p) => void (await expect(p.getByTestId('invoice-row')).toHaveCount(4)) },
  { name: 'invoice-detail', dark: true, path: () => `/invoices/${detailId}`, ready: async (p) => void (await expect(p.getByTestId('pdf-viewer')).toHaveAttribute('data-pages', /[1-9]/, { timeout: 20_000 })) },
  { name: 'receivables-aging', path: '/invoices/aging', ready: async (p) => void (await expect(p.getByRole('heading', { name: 'Receivables aging' })).toBeVisible()) },
  { name: 'customer-invoices', shot: false, path: '/customers/contoso/invoices', ready: async (p) => void (await expect(p.getByTestId('customer-invoice-row')).toHaveCount(1)) },
  { name: 'customer-alerts', shot: false, path: '/customers/soylent/alerts', ready: async (p) => void (await expect(p.getByTestId('alert-rule')).toHaveCount(1)) },
  { name: 'webhooks', dark: true, path: '/webhooks/deliveries', ready: async (p) => void (await expect(p.locator('[data-testid="delivery-row"][data-status="delivered"]').first()).toBeVisible()) },
  { name: 'webhook-endpoints', shot: false, path: '/webhooks/endpoints', ready: async (p) => void (await expect(p.getByTestId('endpoint-row')).toHaveCount(2)) },
  { name: 'audit-log', dark: true, path: '/audit', ready: async (p) => void (await expect(p.getByTestId('audit-row').first()).toBeVisible()) },
  {
    name: 'operations',
    path: '/operations',
    ready: async (p) => {
      await expect(p.getByTestId('stat-events')).toBeVisible();
      // The seeded writes have committed, each commit carrying at least one.
      await expect(p.getByTestId('writes-per-commit')).toHaveText(/^([1-9]\d*)\.\d$/);
    },
  },
  { name: 'backups', path: '/settings/backups', ready: async (p) => void (await expect(p.getByTestId('backup-row')).toHaveCount(2)) },
  { name: 'settings-data', shot: false, path: '/settings/data', ready: async (p) => void (await expect(p.getByTestId('import-folder')).toBeVisible()) },
];

async function settle(page: Page, ms = 1500) {
  // Let charts draw and the change tint fade before the picture.
  await page.waitForTimeout(ms);
}

async function audit(page: Page, where: string): Promise<string[]> {
  await page.mouse.move(0, 0);
  return seriousViolations(page, where);
}

test('screenshots of every page (light), the overview in dark, and an axe audit of each in both themes', async ({ browser }) => {
  test.setTimeout(300_000);
  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Serve mode sends a strict Content-Security-Policy: any violation shows up as a console error.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) errors.push(`CSP: ${m.text()}`);
    });
    // The login page first (signed out).
    await page.goto(`${server.url}/#/login`);
    await expect(page.getByLabel('API key')).toBeVisible();
    if (scheme === 'light') await page.screenshot({ path: join(OUT, 'login.png') });
    problems.push(...(await audit(page, `login (${scheme})`)));
    await login(page, server.url);
    // Both themes on every page would take minutes of axe time: the dark theme is audited on the
    // pages that hold each kind of component (cards, lists, tables, charts, forms, badges).
    for (const p of scheme === 'light' ? PAGES : PAGES.filter((x) => x.dark)) {
      if (p.name === 'overview' || p.name === 'wallet-monitor') await trickle(api(server.url), Date.now() % 100000, 6);
      // Accepted with a warning, newest in the stream: a mistyped event code (nothing charged).
      if (p.name === 'events') await api(server.url).call('ingestEvent', { transaction_id: 'ops-typo-1', customer: 'initech', code: 'api_cals' });
      await page.goto(`${server.url}/#${typeof p.path === 'function' ? p.path() : p.path}`);
      await p.ready(page);
      if (p.name === 'invoice-detail') await page.getByTestId('toggle-tiers').first().click();
      if (p.name === 'audit-log') {
        await page.locator('[data-testid="audit-row"][data-action="customer.update"]').first().getByTestId('audit-toggle').click();
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      await settle(page, (scheme === 'light' && p.shot !== false) || p.name === 'overview' ? 1500 : 300);
      if (scheme === 'light' && p.shot !== false) await page.screenshot({ path: join(OUT, `${p.name}.png`) });
      else if (p.name === 'overview') await page.screenshot({ path: join(OUT, 'overview-dark.png') });
      problems.push(...(await audit(page, `${p.name} (${scheme})`)));
    }
    if (scheme === 'light') {
      // The plan editor with Lago's example tiers and the live preview.
      await page.goto(`${server.url}/#/plans/new`);
      await page.getByLabel(/^Name/).fill('Scale');
      await pickMetric(page, 'api_calls');
      await page.getByTestId('charge-0').locator('label', { hasText: /^Graduated$/ }).click();
      await page.getByRole('button', { name: 'Use example' }).click();
      await expect(page.getByTestId('preview-total')).toHaveText('$81.00');
      await settle(page);
      await page.screenshot({ path: join(OUT, 'plan-editor.png') });
      problems.push(...(await audit(page, 'plan-editor (light)')));
      // An event selected: payload, pricing and transfers.
      await page.goto(`${server.url}/#/events?tx=seed-acme-0&sel=acme`);
      await expect(page.getByTestId('event-detail')).toBeVisible();
      await settle(page);
      await page.screenshot({ path: join(OUT, 'event-detail.png') });
      problems.push(...(await audit(page, 'event-detail (light)')));
      // A money-moving dialog with its preview.
      await page.goto(`${server.url}/#/customers/acme/wallet`);
      await page.getByTestId('open-topup').click();
      await page.getByRole('dialog').getByLabel('Amount').fill('50.00');
      await expect(page.getByTestId('money-preview')).toContainText('USD available');
      await expect(page.getByTestId('money-preview')).not.toContainText('…');
      await settle(page);
      await page.screenshot({ path: join(OUT, 'customer-top-up-dialog.png') });
      problems.push(...(await audit(page, 'top-up dialog (light)')));
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
      // Closing a customer: the irreversible dialog, focus on Cancel, the settlement choice.
      await page.goto(`${server.url}/#/customers/wayne/wallet`);
      await page.getByRole('button', { name: 'More' }).click();
      await page.getByRole('menuitem', { name: 'Close customer…' }).click();
      await page.getByRole('dialog').getByLabel('Reason').fill('Contract ended on 30 November; final invoice to follow');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).focus();
      await settle(page, 600);
      await page.screenshot({ path: join(OUT, 'customer-close-dialog.png') });
      problems.push(...(await audit(page, 'customer-close dialog (light)')));
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
      // The palette.
      await page.keyboard.press('Control+K');
      await page.getByRole('textbox', { name: 'Command palette search' }).fill('hoo');
      await expect(page.getByText('Hooli AI')).toBeVisible();
      await page.screenshot({ path: join(OUT, 'command-palette.png') });
      await page.keyboard.press('Escape');
    }
    expect(errors, `page errors in ${scheme}`).toEqual([]);
    await context.close();
  }
  // The desktop door (a fake preload over HTTP): the Desktop settings tab with a busy port.
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    await installFakeBridge(page, server.url, {
      status: { mode: 'local', dataDir: '/home/operator/.config/Tollgate/data', apiUrl: null, httpError: 'Port 8787 is in use by another program (EADDRINUSE).', initialAdminKey: null, instanceId: 'fake' },
      settings: { mode: 'local', port: 8787, host: '127.0.0.1', dataDir: null, remoteUrl: null, remoteKey: null },
      osUser: 'operator',
    });
    await page.goto(`${server.url}/#/settings/desktop`);
    await expect(page.getByTestId('http-error')).toBeVisible();
    await page.getByTestId('desktop-port').fill('8799');
    await settle(page, 500);
    if (scheme === 'light') await page.screenshot({ path: join(OUT, 'desktop-settings.png') });
    problems.push(...(await audit(page, `desktop-settings (${scheme})`)));
    await context.close();
  }
  if (problems.length) writeFileSync(join(import.meta.dirname, '..', '..', 'test-results', 'axe-problems.txt'), problems.join('\n'));
  expect(problems).toEqual([]);
});
