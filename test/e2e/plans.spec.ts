import { expect, test } from '@playwright/test';
import { api, ensure } from './helpers/api';
import { login, pickMetric } from './helpers/ui';

// Lago's documented tiers: 0–10,000 at $0.0010, 10,001–50,000 at $0.0008, 50,001–100,000 at $0.0006,
// above at $0.0004, each with a $10 flat fee.
// Volume, 65,000 calls: all at tier 3 = 65,000 × 0.0006 + 10 = $49.00 (Lago's example).
// Graduated, by hand: 10,000 × 0.0010 + 10 = 20; 40,000 × 0.0008 + 10 = 42; 15,000 × 0.0006 + 10 = 19: $81.00.
const TIERS = [
  { to: '10000', per: '0.0010', flat: '10' },
  { to: '50000', per: '0.0008', flat: '10' },
  { to: '100000', per: '0.0006', flat: '10' },
  { to: null, per: '0.0004', flat: '10' },
];

test('the plan editor previews graduated and volume tiers with the engine pricing, names the faulty tier, and saves', async ({ page }) => {
  const client = api();
  await ensure(client.call('createAsset', { code: 'USD' }));
  await ensure(client.call('createMetric', { code: 'plan_calls', name: 'Plan calls', aggregation: 'count' }));
  await login(page);
  await page.goto('/#/plans/new');
  await page.getByLabel(/^Name/).fill('Tiered E2E');
  await pickMetric(page, 'plan_calls');
  await page.getByTestId('charge-0').locator('label', { hasText: /^Graduated$/ }).click();

  // Two tiers to start, and no error before anything is typed; Enter on the last cell adds a tier.
  await expect(page.getByTestId('tier-issue')).toHaveCount(0);
  await page.getByLabel('Tier 1 last unit').fill(TIERS[0]!.to!);
  await page.getByLabel('Tier 1 per unit').fill(TIERS[0]!.per);
  await page.getByLabel('Tier 1 flat fee').fill(TIERS[0]!.flat);
  await page.getByLabel('Tier 2 per unit').fill(TIERS[1]!.per);
  await page.getByLabel('Tier 2 flat fee').fill(TIERS[1]!.flat);
  await page.getByLabel('Tier 2 flat fee').press('Enter');
  await expect(page.getByLabel('Tier 3 per unit')).toBeVisible();
  await page.getByLabel('Tier 2 last unit').fill(TIERS[1]!.to!);
  await page.getByLabel('Tier 3 per unit').fill(TIERS[2]!.per);
  await page.getByLabel('Tier 3 flat fee').fill(TIERS[2]!.flat);
  await page.getByRole('button', { name: 'Add tier' }).click();
  await page.getByLabel('Tier 3 last unit').fill(TIERS[2]!.to!);
  await page.getByLabel('Tier 4 per unit').fill(TIERS[3]!.per);
  await page.getByLabel('Tier 4 flat fee').fill(TIERS[3]!.flat);

  // The derived first units follow Lago: 0, 10,001, 50,001, 100,001.
  await expect(page.getByLabel('Tier 2 first unit')).toHaveValue('10,001');
  await expect(page.getByLabel('Tier 4 first unit')).toHaveValue('100,001');

  const preview = page.getByTestId('price-preview');
  await expect(preview.getByTestId('preview-quantity')).toHaveValue('65000');
  await expect(preview.getByTestId('preview-total')).toHaveText('$81.00');
  await expect(preview.getByTestId('preview-lines').locator('tbody tr')).toHaveCount(3);

  await page.getByTestId('charge-0').locator('label', { hasText: /^Volume$/ }).click();
  await expect(preview.getByTestId('preview-total')).toHaveText('$49.00');
  await expect(preview.getByTestId('preview-sentence')).toContainText('all 65,000 units at tier 3');

  // A wrong bound: the message names the tier.
  await page.getByLabel('Tier 2 last unit').fill('5000');
  await expect(preview.getByTestId('preview-errors')).toContainText('Tier 2');
  await expect(page.getByTestId('tier-issue').first()).toContainText('Tier 2');
  await page.getByLabel('Tier 2 last unit').fill('50000');
  await expect(preview.getByTestId('preview-total')).toHaveText('$49.00');

  await page.getByTestId('save-plan').click();
  await expect(page).toHaveURL(/#\/plans\/tiered_e2e$/);
  await expect(page.getByRole('heading', { name: 'Tiered E2E' })).toBeVisible();
  const saved = await client.call('getPlan', { code: 'tiered_e2e' });
  expect(saved.charges[0]!.model).toBe('volume');
  expect((saved.charges[0]!.properties as { volume_ranges: unknown[] }).volume_ranges).toHaveLength(4);
});

test('a new plan opens on the standard model with no error showing; errors appear once typed or on save', async ({ page }) => {
  const client = api();
  await ensure(client.call('createAsset', { code: 'USD' }));
  await ensure(client.call('createMetric', { code: 'plan_calls', name: 'Plan calls', aggregation: 'count' }));
  await login(page);
  await page.goto('/#/plans/new');
  const charge = page.getByTestId('charge-0');
  await expect(charge.getByRole('radio', { name: 'Standard' })).toBeChecked();
  const price = charge.getByLabel(/^Price per unit/);
  await expect(price).toHaveValue('');
  // Nothing typed yet: no red text, no alert, and the preview asks for a price.
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.locator('.mantine-InputWrapper-error')).toHaveCount(0);
  await expect(page.getByTestId('preview-errors')).toHaveCount(0);
  await expect(page.getByTestId('preview-empty')).toContainText('Enter a price per unit');
  // Switching to graduated shows the empty tiers, still without errors.
  await charge.locator('label', { hasText: /^Graduated$/ }).click();
  await expect(page.getByTestId('tier-table')).toBeVisible();
  await expect(page.getByTestId('tier-issue')).toHaveCount(0);
  await expect(page.getByTestId('preview-errors')).toHaveCount(0);
  await charge.locator('label', { hasText: /^Standard$/ }).click();

  // A value typed is checked as it is typed.
  await price.fill('abc');
  await expect(charge.locator('.mantine-InputWrapper-error')).toBeVisible();
  await expect(page.getByTestId('preview-errors')).toBeVisible();
  await price.fill('');
  await expect(charge.locator('.mantine-InputWrapper-error')).toHaveCount(0);

  // Saving an empty form shows what is missing, on the fields and in the summary.
  await page.getByTestId('save-plan').click();
  const summary = page.getByRole('alert').filter({ hasText: 'Fix these before saving' });
  await expect(summary).toBeVisible();
  // Friendly text only, one line per problem: never a zod path ("charges.0.metric: Too small…").
  await expect(summary).toContainText('Charge 1: Price per unit: is empty');
  await expect(summary).toContainText('Name: enter the plan name');
  await expect(summary).not.toContainText('charges.0');
  await expect(summary).not.toContainText('unit_price');
  await expect(summary).not.toContainText('Too small');
  await expect(charge.locator('.mantine-InputWrapper-error').first()).toBeVisible();
  await expect(page.getByTestId('preview-errors')).toBeVisible();
  await expect(page).toHaveURL(/#\/plans\/new$/);
});
