import { expect, type Page } from '@playwright/test';
import { ADMIN_KEY } from './api';

/** Signs in through the login page (serve mode), then waits for the console shell. */
export async function login(page: Page, origin = ''): Promise<void> {
  await page.goto(`${origin}/#/login`);
  await page.getByLabel('API key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('whoami')).toBeVisible();
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'live');
}

/**
 * Resolves with the client time (Date.now()) at which `selector`'s `data-value` first differs from
 * `from`. Installed before the change is caused, so the observation starts in time.
 */
export async function watchValue(page: Page, selector: string, from: string): Promise<void> {
  await page.evaluate(
    ({ selector, from }) => {
      const w = window as unknown as { __tgChangedAt?: number; __tgChangedTo?: string };
      w.__tgChangedAt = undefined;
      const check = () => {
        const el = document.querySelector(selector);
        const v = el?.getAttribute('data-value');
        if (v && v !== from && w.__tgChangedAt === undefined) {
          w.__tgChangedAt = Date.now();
          w.__tgChangedTo = v;
          obs.disconnect();
        }
      };
      const obs = new MutationObserver(check);
      obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-value'] });
      check();
    },
    { selector, from },
  );
}

export async function changedAt(page: Page): Promise<{ at: number; to: string }> {
  const h = await page.waitForFunction(() => {
    const w = window as unknown as { __tgChangedAt?: number; __tgChangedTo?: string };
    return w.__tgChangedAt !== undefined ? { at: w.__tgChangedAt, to: w.__tgChangedTo! } : null;
  }, undefined, { timeout: 15_000 });
  return (await h.jsonValue()) as { at: number; to: string };
}

/**
 * Picks the metric of charge 1 in the plan editor: from the list when the server lists metrics,
 * or typed when the picker fell back to a free code (listMetrics unavailable).
 */
export async function pickMetric(page: Page, code: string): Promise<void> {
  const group = page.getByTestId('charge-0').locator('[data-metrics]');
  await expect(group).not.toHaveAttribute('data-metrics', 'loading');
  const box = page.getByRole('combobox', { name: 'Charge 1 metric' });
  if ((await group.getAttribute('data-metrics')) === 'list') {
    await box.click();
    await page.getByRole('option', { name: new RegExp(`\\(${code}\\)`) }).click();
  } else {
    await box.fill(code);
    await page.keyboard.press('Escape');
  }
  await expect(box).toHaveValue(new RegExp(code));
}
