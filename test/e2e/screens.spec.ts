import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from './helpers/api';
import { seedRealistic, trickle } from './helpers/seed';
import { startServer, type OwnServer } from './helpers/server';
import { login, pickMetric } from './helpers/ui';

const PORT = 4177;
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
let server: OwnServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  mkdirSync(OUT, { recursive: true });
  server = await startServer(PORT);
  const client = api(server.url);
  await seedRealistic(client);
  await trickle(client, 1);
});

test.afterAll(async () => {
  await server?.stop();
});

/** Every page of the console, with what to wait for before a screenshot or an audit. */
const PAGES: { name: string; path: string; dark?: boolean; ready: (p: Page) => Promise<void> }[] = [
  { name: 'overview', dark: true, path: '/', ready: async (p) => void (await expect(p.getByTestId('asset-card-USD')).toBeVisible()) },
  { name: 'getting-started', path: '/start', ready: async (p) => void (await expect(p.getByTestId('checklist').locator('[data-done="true"]')).toHaveCount(5)) },
  { name: 'customers', dark: true, path: '/customers', ready: async (p) => void (await expect(p.getByTestId('customer-row').first()).toBeVisible()) },
  { name: 'customer-wallet', dark: true, path: '/customers/acme/wallet', ready: async (p) => void (await expect(p.getByTestId('hold-row').first()).toBeVisible()) },
  { name: 'customer-activity', path: '/customers/acme/activity', ready: async (p) => void (await expect(p.getByTestId('activity-table')).toBeVisible()) },
  { name: 'customer-subscription', path: '/customers/acme/subscription', ready: async (p) => void (await expect(p.getByText('Usage this period')).toBeVisible()) },
  { name: 'customer-details', path: '/customers/piedpiper/details', ready: async (p) => void (await expect(p.getByRole('button', { name: 'Save changes' })).toBeVisible()) },
  { name: 'wallet-monitor', dark: true, path: '/monitor', ready: async (p) => void (await expect(p.getByTestId('monitor-row').first()).toBeVisible()) },
  { name: 'plans', path: '/plans', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Plans' })).toBeVisible()) },
  { name: 'plan-detail', dark: true, path: '/plans/growth', ready: async (p) => void (await expect(p.getByTestId('preview-total')).toBeVisible()) },
  { name: 'events', dark: true, path: '/events', ready: async (p) => void (await expect(p.getByTestId('event-row').first()).toBeVisible()) },
  { name: 'events-refused', path: '/events/refused', ready: async (p) => void (await expect(p.getByTestId('refusal-customer_not_found')).toBeVisible()) },
  { name: 'tco', dark: true, path: '/tco', ready: async (p) => void (await expect(p.getByTestId('tco-results')).toBeVisible()) },
  { name: 'settings-api-keys', dark: true, path: '/settings/keys', ready: async (p) => void (await expect(p.getByRole('table', { name: 'API keys' })).toBeVisible()) },
  { name: 'settings-endpoint', path: '/settings/endpoint', ready: async (p) => void (await expect(p.getByText('API reference')).toBeVisible()) },
  { name: 'settings-billing', path: '/settings/operator', ready: async (p) => void (await expect(p.getByLabel('Grace period (hours)')).toBeVisible()) },
];

async function settle(page: Page, ms = 1500) {
  // Let charts draw and the change tint fade before the picture.
  await page.waitForTimeout(ms);
}

async function audit(page: Page, where: string): Promise<string[]> {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('screenshots of every page (light), the overview in dark, and an axe audit of each in both themes', async ({ browser }) => {
  test.setTimeout(200_000);
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
      await page.goto(`${server.url}/#${p.path}`);
      await p.ready(page);
      await settle(page, scheme === 'light' || p.name === 'overview' ? 1500 : 300);
      if (scheme === 'light') await page.screenshot({ path: join(OUT, `${p.name}.png`) });
      else if (p.name === 'overview') await page.screenshot({ path: join(OUT, 'overview-dark.png') });
      problems.push(...(await audit(page, `${p.name} (${scheme})`)));
    }
    if (scheme === 'light') {
      // The plan editor with Lago's example tiers and the live preview.
      await page.goto(`${server.url}/#/plans/new`);
      await page.getByLabel(/^Name/).fill('Scale');
      await pickMetric(page, 'api_calls');
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
  if (problems.length) writeFileSync(join(import.meta.dirname, '..', '..', 'test-results', 'axe-problems.txt'), problems.join('\n'));
  expect(problems).toEqual([]);
});
