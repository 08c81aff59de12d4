import { expect, test } from '@playwright/test';

test('serve mode serves the console at / on the API origin', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByText('Tollgate')).toBeVisible();
  expect(errors).toEqual([]);
});
