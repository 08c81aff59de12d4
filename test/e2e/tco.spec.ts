import { expect, test } from '@playwright/test';
import { login } from './helpers/ui';

/**
 * The TCO page: the canonical scenario of the comparison, typed into the page by its labels,
 * comes out as published (revenue $2,000 a month; Credyt $90 a month plus processing).
 */
test('fills the canonical scenario by its labels and reads the published figures', async ({ page }) => {
  await login(page);
  await page.goto('/#/tco');
  const field = (label: string) => page.getByLabel(label, { exact: true });
  // Start from other numbers, so the figures below come from what is typed, not from defaults.
  await field('Customers').fill('7');
  await field('Average monthly spend per customer').fill('3');
  await expect(page.getByTestId('tco-results')).toBeVisible();
  await expect(page.getByText(/Revenue \$21\b/)).toBeVisible();

  await field('Customers').fill('100');
  await field('Average monthly spend per customer').fill('20');
  await field('Usage events per customer per month').fill('1000');
  await field('Platform seats (team members using the billing console)').fill('5');
  await expect(page.getByText(/Revenue \$2,000\b/)).toBeVisible();
  await expect(page.getByText(/100,000 events\/mo/)).toBeVisible();

  const results = page.getByTestId('tco-results');
  const headers = await results.locator('thead th').allInnerTexts();
  const credyt = headers.findIndex((h) => h.startsWith('Credyt'));
  expect(credyt).toBeGreaterThan(0);
  const cell = async (row: string) => (await results.locator('tbody tr').filter({ hasText: row }).locator('td').nth(credyt).innerText()).trim();
  const money = (text: string) => Number(text.replace(/[$,]/g, ''));
  const recurring = money(await cell('Recurring a month'));
  const processing = money(await cell('of which processing'));
  // $1 per monthly active wallet beyond the first 10 free: 90 wallets; no event fees under 1,000,000.
  expect(Math.round((recurring - processing) * 100) / 100).toBe(90);
  expect(processing).toBeGreaterThan(0);
});
