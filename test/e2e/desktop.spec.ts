import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { api, uid } from './helpers/api';
import { type FakeDesktop, installFakeBridge } from './helpers/fake-bridge';
import { billNow, seedPostpaid } from './helpers/invoices';
import { serverForSpec } from './helpers/server';
import { login } from './helpers/ui';

/**
 * The desktop door without Electron: a fake `window.tollgate` (the preload's shape) talks to a
 * serve-mode engine, so the console runs its IPC code path: the IPC door, the IPC live source
 * (`subscribe`), PDFs as base64, the audit CSV through `exportAuditLog`, and `desktop.*`.
 */
const PORT = 4183;
const server = serverForSpec(PORT, { serial: true });

const busyPort: FakeDesktop = {
  status: { mode: 'local', dataDir: '/home/operator/.config/Tollgate/data', apiUrl: null, httpError: 'Port 8787 is in use by another program (EADDRINUSE).', initialAdminKey: null, instanceId: 'fake' },
  settings: { mode: 'local', port: 8787, host: '127.0.0.1', dataDir: null, remoteUrl: null, remoteKey: null },
  osUser: 'operator',
};

test('over IPC: the OS user in the header, a busy port shown on the endpoint page and in snippets, live updates through subscribe, the invoice PDF as base64, the audit CSV', async ({ page }) => {
  test.setTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await installFakeBridge(page, server().url, busyPort);
  const client = api(server().url);
  const id = uid('desk');
  await seedPostpaid(client, id, { name: 'Desk Co' });
  // Last month billed first, so nothing but the top-up below moves the wallet while we watch.
  const [inv] = await billNow(client, id);

  // No login page over IPC: the console opens straight away as the desktop's OS user.
  await page.goto(`${server().url}/#/settings/endpoint`);
  const who = page.getByTestId('whoami');
  await expect(who).toHaveAttribute('data-kind', 'os_user');
  await expect(who).toContainText('operator');
  await who.click();
  await expect(page.getByTestId('whoami-door')).toContainText('Desktop user · desktop app (IPC)');
  await page.keyboard.press('Escape');

  // The port is busy: no URL, the reason, and a way to change it.
  await expect(page.getByTestId('endpoint-error')).toContainText('Port 8787 is in use by another program');
  await expect(page.getByTestId('endpoint-url')).toContainText('not listening');
  await page.goto(`${server().url}/#/start`);
  await expect(page.getByTestId('snippet-endpoint-error')).toBeVisible();

  // Live over IPC: a top-up made over HTTP reaches the page through subscribe().
  await page.goto(`${server().url}/#/customers/${id}/wallet`);
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'live');
  const before = (await page.getByTestId('available-USD').getAttribute('data-value'))!;
  await expect.poll(() => page.evaluate(() => (window as unknown as { __tg: { live: number } }).__tg.live)).toBeGreaterThan(0);
  await client.call('createTopUp', { external_id: id, asset: 'USD', amount: '2345', idempotency_key: uid('tu') });
  await expect(page.getByTestId('available-USD')).toHaveAttribute('data-value', String(BigInt(before) + 2345n));

  // The invoice PDF through getInvoiceDocument (base64), rendered by pdf.js.
  await page.goto(`${server().url}/#/invoices/${inv!.id}`);
  await expect(page.getByTestId('pdf-viewer')).toHaveAttribute('data-pages', '1', { timeout: 20_000 });
  await expect(page.getByTestId('pdf-viewer')).toHaveAttribute('data-text', /Desk Co/);
  const calls = await page.evaluate(() => (window as unknown as { __tg: { calls: string[] } }).__tg.calls);
  expect(calls).toContain('getInvoiceDocument');

  // The audit CSV through exportAuditLog.
  await page.goto(`${server().url}/#/audit?customer=${id}`);
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('customer.create');
  expect(await page.evaluate(() => (window as unknown as { __tg: { calls: string[] } }).__tg.calls.includes('exportAuditLog'))).toBe(true);
  expect(errors).toEqual([]);
});

test('Desktop settings (IPC only): change the port, confirm (focus on Cancel), saveSettings gets the new settings; remote mode needs https and a key', async ({ page }) => {
  test.setTimeout(45_000);
  await installFakeBridge(page, server().url, busyPort);
  await page.goto(`${server().url}/#/settings/desktop`);
  const tab = page.getByTestId('desktop-settings');
  await expect(tab.getByTestId('http-error')).toContainText('Port 8787 is in use');
  const save = tab.getByTestId('desktop-save');
  await expect(save).toBeDisabled();
  await tab.getByTestId('desktop-port').fill('8899');
  await save.click();
  const confirm = page.getByRole('dialog', { name: 'Restart with the new settings?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(confirm).toContainText('port 8899');
  await confirm.getByTestId('desktop-confirm').click();
  await expect(page.getByTestId('desktop-restarting')).toBeVisible();
  const saved = await page.evaluate(() => (window as unknown as { __tg: { saved: unknown[] } }).__tg.saved);
  expect(saved).toEqual([{ mode: 'local', port: 8899, host: '127.0.0.1', dataDir: null }]);

  // Remote mode: plain http to another machine is refused before anything is sent.
  await page.reload();
  await page.getByTestId('desktop-mode').getByText('On a server (remote)').click();
  await page.getByTestId('desktop-remote-url').fill('http://billing.example.com');
  await expect(page.getByText('https:// (plain http only on this machine)')).toBeVisible();
  await expect(page.getByTestId('desktop-save')).toBeDisabled();
  await page.getByTestId('desktop-remote-url').fill('https://billing.example.com');
  await expect(page.getByTestId('desktop-save')).toBeDisabled();
  await page.getByTestId('desktop-remote-key').fill('tg_remote_0123456789abcdefghijklmnop');
  await page.getByTestId('desktop-save').click();
  await page.getByTestId('desktop-confirm').click();
  await expect(page.getByTestId('desktop-restarting')).toBeVisible();
  const saved2 = await page.evaluate(() => (window as unknown as { __tg: { saved: Record<string, unknown>[] } }).__tg.saved);
  expect(saved2.at(-1)).toEqual({ mode: 'remote', remoteUrl: 'https://billing.example.com', remoteKey: 'tg_remote_0123456789abcdefghijklmnop' });
});

test('with the endpoint listening, snippets use the desktop apiUrl; a browser (no bridge) has no Desktop tab', async ({ page, browser }) => {
  await installFakeBridge(page, server().url, { ...busyPort, status: { ...busyPort.status, apiUrl: 'http://127.0.0.1:8899', httpError: null } });
  await page.goto(`${server().url}/#/start`);
  await expect(page.getByTestId('snippet-curl')).toContainText('export TG=http://127.0.0.1:8899');
  await page.goto(`${server().url}/#/settings/endpoint`);
  await expect(page.getByTestId('endpoint-url')).toContainText('http://127.0.0.1:8899');
  await expect(page.getByRole('tab', { name: 'Desktop' })).toBeVisible();

  // The same console in a plain browser takes the HTTP door: a login, the page's origin, no Desktop tab.
  const plain = await browser.newPage();
  await plain.goto(`${server().url}/#/settings/endpoint`);
  await expect(plain).toHaveURL(/#\/login/);
  await login(plain, server().url);
  await plain.goto(`${server().url}/#/settings/endpoint`);
  await expect(plain.getByTestId('endpoint-url')).toContainText(server().url);
  await expect(plain.getByRole('tab', { name: 'Backups' })).toBeVisible();
  await expect(plain.getByRole('tab', { name: 'Desktop' })).toHaveCount(0);
  await plain.close();
});
