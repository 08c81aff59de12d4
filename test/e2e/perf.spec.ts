import { expect, test } from '@playwright/test';
import http from 'node:http';
import { ADMIN_KEY, api } from './helpers/api';
import { startServer, type OwnServer } from './helpers/server';
import { login } from './helpers/ui';

const PORT = 4176;
const N = 10_000;
let server: OwnServer | null = null;

test.afterAll(async () => {
  await server?.stop();
});

/** POST /v1/customers with many requests in flight over keep-alive connections. */
async function createCustomers(origin: string, n: number, concurrency = 48): Promise<number> {
  const u = new URL(origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failed = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({ external_id: `cust-${String(i).padStart(5, '0')}`, name: `Customer ${i} ${['Labs', 'Inc.', 'Cloud', 'AI', 'Systems'][i % 5]}`, email: `billing${i}@example.test` });
      const req = http.request({ host: u.hostname, port: u.port, path: '/v1/customers', method: 'POST', agent, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        if (res.statusCode !== 201) failed++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await one(next++);
    }),
  );
  agent.destroy();
  return failed;
}

test('with 10,000 customers, filtering the customer list answers fast (measured in the browser)', async ({ page }) => {
  test.setTimeout(120_000);
  server = await startServer(PORT);
  const origin = server.url;
  const client = api(origin);
  await client.call('createAsset', { code: 'USD' });
  const t0 = Date.now();
  const failed = await createCustomers(origin, N);
  const seconds = (Date.now() - t0) / 1000;
  expect(failed).toBe(0);
  console.log(`[measure] created ${N} customers in ${seconds.toFixed(1)} s (${Math.round(N / seconds)}/s)`);
  for (let i = 0; i < 20; i++) await client.call('createTopUp', { external_id: `cust-${String(i * 397).padStart(5, '0')}`, asset: 'USD', amount: String(1000 + i * 137) });

  await login(page, origin);
  await page.goto(`${origin}/#/customers`);
  await expect(page.getByText('10,000', { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId('customer-row').first()).toBeVisible();

  // Type a query (one input event, as a paste or the last keystroke) and time until the list shows
  // exactly the expected rows: performance.now() in the page, around the input and the rendered DOM.
  const measure = (query: string, expectFirst: string, expectCount: number) =>
    page.evaluate(
      ({ query, expectFirst, expectCount }) =>
        new Promise<number>((resolve, reject) => {
          const input = document.querySelector<HTMLInputElement>('[data-testid="customer-search"]')!;
          const done = () => {
            const rows = document.querySelectorAll('[data-testid="customer-row"]');
            const count = document.querySelector('[data-testid="customer-count"]')?.textContent ?? '';
            const enough = expectCount <= 20 ? rows.length === expectCount : rows.length > 0;
            return enough && rows[0]?.getAttribute('data-customer') === expectFirst && count.startsWith(`${expectCount.toLocaleString('en-US')} of`);
          };
          const start = performance.now();
          const obs = new MutationObserver(() => {
            if (done()) {
              obs.disconnect();
              resolve(performance.now() - start);
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
          setTimeout(() => {
            obs.disconnect();
            reject(new Error(`no result for ${query}`));
          }, 10_000);
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
          setter.call(input, query);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      { query, expectFirst, expectCount },
    );

  const queries: [string, string, number][] = [
    ['cust-07342', 'cust-07342', 1],
    ['Customer 9999 Systems', 'cust-09999', 1],
    ['billing4242@', 'cust-04242', 1],
    ['cust-0123', 'cust-01230', 10],
    ['cust-05', 'cust-05000', 1000],
    ['cust-00397', 'cust-00397', 1],
  ];
  const times: number[] = [];
  for (const [q, alphabeticalFirst, count] of queries) {
    // The list is in creation order, and 48 concurrent creations finish slightly out of order: the
    // first row to expect is whichever the API puts first, checked to be one of the expected matches.
    const top = await client.call('listCustomers', { search: q, limit: Math.min(count, 100) });
    expect(top.data.map((c) => c.external_id)).toContain(alphabeticalFirst);
    const first = top.data[0]!.external_id;
    const ms = await measure(q, first, count);
    times.push(Math.round(ms));
    await expect(page.getByTestId('customer-row').first()).toHaveAttribute('data-customer', first);
    // Back to the full list between queries, as an operator clearing the search.
    await page.getByTestId('customer-search').fill('');
    await expect(page.getByTestId('customer-count')).toHaveCount(0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`[measure] customer filter with ${N} customers: ${times.join(', ')} ms (median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms)`);
  test.info().annotations.push({ type: 'customer filter ms', description: times.join(', ') });
  // Timed assertions are brittle on shared CI; the bound is generous and the value is printed above.
  expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(1000);
});
