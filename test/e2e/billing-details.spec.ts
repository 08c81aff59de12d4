import { expect, test, type Page } from '@playwright/test';
import { ADMIN_KEY, api, uid } from './helpers/api';
import { seriousViolations } from './helpers/a11y';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * The Details tab's "Billing details": the invoice fields of PATCH /v1/customers/{id}, checked
 * with the contract's zod schema (errors in words next to their fields), saved, and read back.
 */
const server = serverForSpec(4193, { serial: true });


test.beforeAll(async () => {
  const client = api(server().url);
  await client.call('createAsset', { code: 'USD' });
  await client.call('createAsset', { code: 'EUR' });
  // A custom asset is no invoice currency: the currency select leaves it out.
  await client.call('createAsset', { code: 'GPU', kind: 'custom', scale: 3 });
});

test('edit billing details: invalid fields are named in words, valid ones are saved and the API returns them', async ({ page }) => {
  const client = api(server().url);
  const id = uid('billing');
  await client.call('createCustomer', { external_id: id, name: 'Boulangerie Dupont', email: 'contact@dupont.test' });

  await login(page, server().url);
  await page.goto(`${server().url}/#/customers/${id}/details`);
  const card = page.getByTestId('billing-details');
  await expect(card).toBeVisible();
  // Empty fields show the defaults that apply.
  await expect(card.getByLabel('Legal name')).toHaveAttribute('placeholder', 'Boulangerie Dupont');
  await expect(card.getByLabel('Payment terms')).toHaveAttribute('placeholder', /Default: \d+/);

  // Invalid values: the contract's schema refuses them, and each field says why, in words.
  await card.getByLabel('Country').fill('France');
  await expect(card.getByLabel('Country')).toHaveValue('FRANCE');
  await card.getByLabel('Tax rate').fill('120');
  await card.getByLabel('Payment terms').fill('30.5');
  await card.getByLabel('Invoice emails').fill('not-an-address');
  await card.getByLabel('Invoice emails').press('Enter');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(card.getByText('Two capital letters, such as FR or DE')).toBeVisible();
  await expect(card.getByText('A percentage from 0 to 100, such as 20 or 5.5')).toBeVisible();
  await expect(card.getByText('Whole days from 0 to 365, such as 30')).toBeVisible();
  await expect(card.getByText('Not an email address: not-an-address')).toBeVisible();
  await expect(page.getByTestId('details-invalid')).toContainText('4 fields');
  expect((await client.call('getCustomer', { external_id: id })).country).toBeNull();

  // Valid values.
  await card.getByLabel('Legal name').fill('Boulangerie Dupont SARL');
  await card.getByLabel('Tax ID').fill('FR40303265045');
  await card.getByLabel('Address').fill('12 Rue de la Paix\n\n75002 Paris  ');
  await card.getByLabel('Country').fill('fr');
  await expect(card.getByLabel('Country')).toHaveValue('FR');
  // Remove the bad address (its pill's remove button), then add two.
  await card.locator('.mantine-Pill-remove').first().click();
  await card.getByLabel('Invoice emails').fill('ap@dupont.test');
  await card.getByLabel('Invoice emails').press('Enter');
  await card.getByLabel('Invoice emails').fill('cfo@dupont.test');
  await card.getByLabel('Invoice emails').press('Enter');
  await card.getByLabel('Invoice currency').click();
  await expect(page.getByRole('option')).toHaveText([/^Operator default/, 'EUR', 'USD']);
  await page.getByRole('option', { name: 'EUR', exact: true }).click();
  // Currency and language are chosen from what exists: the fiat assets (not the custom ones) and the
  // languages documents are worded in.
  await card.getByLabel('Invoice language').click();
  await expect(page.getByRole('option')).toHaveText(['Default: English (en)', 'English (en)', 'French (fr)', 'German (de)']);
  await page.getByRole('option', { name: 'French (fr)', exact: true }).click();
  await card.getByLabel('Payment terms').fill('45');
  await card.getByLabel('Tax rate').fill('5.5');
  await card.getByLabel('Tax note').fill('TVA non applicable, art. 293 B du CGI');
  // Each corrected field lost its error.
  await expect(page.getByTestId('details-invalid')).toHaveCount(0);
  await expect(card.getByText('Whole days from 0 to 365, such as 30')).toHaveCount(0);
  // The preview prints what was typed.
  const preview = page.getByTestId('bill-to-preview');
  await expect(preview).toContainText('Boulangerie Dupont SARL');
  await expect(preview).toContainText('75002 Paris');
  await expect(preview).toContainText('due in 45 days');
  await card.screenshot({ path: '/tmp/billing-details.png' });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`${id} saved`)).toBeVisible();

  const saved = await client.call('getCustomer', { external_id: id });
  expect(saved).toMatchObject({
    legal_name: 'Boulangerie Dupont SARL',
    tax_id: 'FR40303265045',
    address: ['12 Rue de la Paix', '75002 Paris'],
    country: 'FR',
    invoice_emails: ['ap@dupont.test', 'cfo@dupont.test'],
    currency: 'EUR',
    language: 'fr',
    payment_terms_days: 45,
    tax_rate: '5.5',
    tax_treatment: 'standard',
    tax_note: 'TVA non applicable, art. 293 B du CGI',
  });
  // Nothing else moved.
  expect(saved.name).toBe('Boulangerie Dupont');
  expect(saved.email).toBe('contact@dupont.test');

  // After a reload the form shows the stored values.
  await page.reload();
  await expect(card.getByLabel('Legal name')).toHaveValue('Boulangerie Dupont SARL');
  await expect(card.getByLabel('Address')).toHaveValue('12 Rue de la Paix\n75002 Paris');
  await expect(card.getByLabel('Invoice currency')).toHaveValue('EUR');
  await expect(card.getByLabel('Invoice language')).toHaveValue('French (fr)');
  await expect(card.getByLabel('Payment terms')).toHaveValue('45');

  // Reverse charge: the rate is not used; clearing fields sends null (the defaults apply again).
  await card.getByLabel('Tax treatment').click();
  await page.getByRole('option', { name: 'Reverse charge' }).click();
  await expect(card.getByLabel('Tax rate')).toBeDisabled();
  await card.getByLabel('Tax note').fill('');
  await card.getByLabel('Payment terms').fill('');
  await card.getByLabel('Invoice currency').click();
  await page.getByRole('option', { name: /^Operator default/ }).click();
  await card.getByLabel('Invoice language').click();
  await page.getByRole('option', { name: 'Default: English (en)' }).click();
  await expect(preview).toContainText('Reverse charge: VAT to be accounted for by the recipient.');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`${id} saved`).first()).toBeVisible();
  await expect.poll(async () => (await client.call('getCustomer', { external_id: id })).tax_treatment).toBe('reverse_charge');
  const after = await client.call('getCustomer', { external_id: id });
  expect(after).toMatchObject({ tax_note: null, payment_terms_days: null, currency: null, language: null, legal_name: 'Boulangerie Dupont SARL' });
  // The REST route answers the same (what the invoice code reads).
  const res = await page.request.get(`${server().url}/v1/customers/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(res.ok()).toBe(true);
  expect(await res.json()).toMatchObject({ country: 'FR', tax_treatment: 'reverse_charge', invoice_emails: ['ap@dupont.test', 'cfo@dupont.test'] });
});

test('the seller\'s logo: an SVG uploaded in Billing settings is previewed, saved for the documents, and removed again', async ({ page }) => {
  const client = api(server().url);
  await login(page, server().url);
  await page.goto(`${server().url}/#/settings/operator`);
  const preview = page.getByTestId('logo-preview');
  await expect(preview).toBeVisible();
  // Without a logo the documents print the legal name: so does the preview.
  const { company } = await client.call('getSettings', {});
  await expect(preview).toContainText(company.legal_name);
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="16"><rect width="60" height="16" rx="3" fill="#0b7285"/></svg>';
  await page.locator('input[type="file"][accept*="svg"]').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
  await expect(preview.getByRole('img', { name: 'Logo on documents' })).toBeVisible();
  await preview.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/settings-logo.png' });
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await client.call('getSettings', {})).company.logo_svg).toBe(svg);
  // A file that is no SVG is refused in words, and nothing changes.
  await page.locator('input[type="file"][accept*="svg"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not an svg') });
  await expect(page.getByText('photo.png is not an SVG file.')).toBeVisible();
  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(preview).toContainText(company.legal_name);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await client.call('getSettings', {})).company.logo_svg).toBeNull();
});

test('assets: listed with their kind, decimals and price; a custom unit is created from the console', async ({ page }) => {
  await login(page, server().url);
  await page.goto(`${server().url}/#/settings/assets`);
  const table = page.getByRole('table', { name: 'Assets' });
  await expect(table.getByTestId('asset-row')).toHaveCount(3);
  await expect(table.getByTestId('asset-row').filter({ hasText: 'GPU' })).toContainText('custom unit');
  await page.getByRole('button', { name: 'New asset' }).click();
  const dialog = page.getByRole('dialog', { name: 'New asset' });
  await dialog.locator('label', { hasText: 'A custom unit' }).click();
  await dialog.getByLabel('Code').fill('tokens-x');
  await expect(dialog).toContainText('Upper-case letters, digits and _');
  await dialog.getByLabel('Code').fill('TOKENS');
  await dialog.getByLabel('Decimals').fill('0');
  await dialog.getByLabel(/Price of one unit in/).fill('0.00001');
  await dialog.getByRole('button', { name: 'Create TOKENS' }).click();
  await expect(dialog).toHaveCount(0);
  const row = table.getByTestId('asset-row').filter({ hasText: 'TOKENS' });
  await expect(row).toContainText('custom unit');
  await expect(row).toContainText('0.00001');
  const created = await api(server().url).call('getAsset', { code: 'TOKENS' });
  expect(created).toMatchObject({ kind: 'custom', scale: 0 });
  expect(created.rates[0]).toMatchObject({ rate: '0.00001' });
});
