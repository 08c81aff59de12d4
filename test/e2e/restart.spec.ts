import { expect, test } from '@playwright/test';
import { api } from './helpers/api';
import { startServer, type OwnServer } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4175;
let server: OwnServer | null = null;

test.afterAll(async () => {
  await server?.stop();
});

test('after a server restart the console reconnects (Reconnecting → Live) and shows current values', async ({ page }) => {
  test.setTimeout(60_000);
  server = await startServer(PORT);
  const origin = server.url;
  const client = api(origin);
  await client.call('createAsset', { code: 'USD' });
  await client.call('createCustomer', { external_id: 'restart-co', name: 'Restart Co' });
  await client.call('createTopUp', { external_id: 'restart-co', asset: 'USD', amount: '1000' });

  await login(page, origin);
  await page.goto(`${origin}/#/customers/restart-co/wallet`);
  const live = page.getByTestId('live-state');
  await expect(live).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('available-USD')).toHaveAttribute('data-value', '1000');

  const dataDir = server.dataDir;
  await server.stop();
  await expect(live).toHaveAttribute('data-state', /reconnecting|offline/);
  const seenState = await live.getAttribute('data-state');

  // Same data dir, same port. A top-up made right after the start happens before the console is
  // back (EventSource retries after 2 s), so only the reload on `hello` can show it.
  server = await startServer(PORT, dataDir);
  await api(origin).call('createTopUp', { external_id: 'restart-co', asset: 'USD', amount: '2345', idempotency_key: 'after-restart' });
  await expect(live).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(page.getByTestId('available-USD')).toHaveAttribute('data-value', '3345');
  await expect(page.getByTestId('available-USD')).toContainText('$33.45');
  console.log(`[measure] restart: state went ${seenState} → live; balance shows the top-up made after the restart`);
});
