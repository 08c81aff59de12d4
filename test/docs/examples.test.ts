/**
 * The examples as the README runs them: `npm run example:setup` after the README's five-minute
 * walkthrough reuses what is there (no second plan version, no second subscription, one demo
 * top-up) and reports the balance Tollgate holds; amounts are shown with the asset's scale; an
 * unreachable Tollgate is one line naming TOLLGATE_URL.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client';
import { describeFailure, formatAmount } from '../../examples/cli-support';
import { setupDemo } from '../../examples/setup-demo';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { kill9, startServe, type ServeProcess } from '../helpers/serve-process';

const running: ServeProcess[] = [];
afterAll(async () => {
  for (const s of running) await kill9(s);
});

describe('examples/setup-demo.ts', () => {
  it('after the README walkthrough: reuses the plan, customer and subscription, and reports the real balance', async () => {
    const serve = await startServe(tempDir('tg-docs-setup-'));
    running.push(serve);
    const admin = createClient({ baseUrl: serve.url, apiKey: ADMIN_KEY });
    // the README's "The API in five minutes", as far as the subscription
    await admin.call('createAsset', { code: 'USD' });
    await admin.call('createCustomer', { external_id: 'acme', name: 'Acme' });
    await admin.call('createTopUp', { external_id: 'acme', asset: 'USD', amount: '5000' });
    await admin.call('createMetric', { code: 'input_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'input_tokens' });
    await admin.call('createMetric', { code: 'output_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'output_tokens' });
    await admin.call('createPlan', {
      code: 'llm',
      name: 'LLM',
      interval: 'monthly',
      charges: [
        { metric: 'input_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000003' } },
        { metric: 'output_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000015' } },
      ],
    });
    await admin.call('createSubscription', { customer: 'acme', plan: 'llm' });

    const first = await setupDemo(admin);
    expect(first.created).toEqual([]);
    expect(first).toMatchObject({ customer: 'acme', plan: 'llm', planVersion: 1, toppedUp: true, topUp: '5.00 USD', warnings: [] });
    expect(first.balance?.available).toBe('5500');

    const again = await setupDemo(admin);
    expect(again).toMatchObject({ created: [], planVersion: 1, toppedUp: false });
    expect(again.balance?.available).toBe('5500');

    expect((await admin.call('getPlan', { code: 'llm' })).version).toBe(1);
    expect((await admin.call('listSubscriptions', { customer: 'acme' })).data).toHaveLength(1);
  }, 60_000);

  it('on an empty Tollgate: creates everything once', async () => {
    const serve = await startServe(tempDir('tg-docs-setup-empty-'));
    running.push(serve);
    const admin = createClient({ baseUrl: serve.url, apiKey: ADMIN_KEY });
    const r = await setupDemo(admin);
    expect(r.created).toEqual(['asset USD', 'metric input_tokens', 'metric output_tokens', 'plan llm', 'customer acme', 'subscription of acme to llm']);
    expect(r).toMatchObject({ plan: 'llm', planVersion: 1, toppedUp: true });
    expect(r.balance?.available).toBe('500');
    expect((await setupDemo(admin)).created).toEqual([]);
  }, 60_000);
});

describe('examples/cli-support.ts', () => {
  it('formats minor units with the scale, exactly', () => {
    expect(formatAmount('1', 2, 'USD')).toBe('0.01 USD');
    expect(formatAmount('5472', 2, 'USD')).toBe('54.72 USD');
    expect(formatAmount('-5', 2, 'USD')).toBe('-0.05 USD');
    expect(formatAmount('1200', 0, 'TOKENS')).toBe('1200 TOKENS');
    expect(formatAmount('123456789012345678901', 6, 'GPU_HOURS')).toBe('123456789012345.678901 GPU_HOURS');
  });

  it('an unreachable Tollgate is one line naming TOLLGATE_URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p)); // a port nothing listens on now
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const err = await createClient({ baseUrl: url, apiKey: ADMIN_KEY })
      .call('getAsset', { code: 'USD' })
      .catch((e: unknown) => e);
    const line = describeFailure(err, url);
    expect(line).toMatch(new RegExp(`^Cannot reach Tollgate at ${url.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)\\.`));
    expect(line).toContain('TOLLGATE_URL');
    expect(line).not.toContain('\n');
  });
});
