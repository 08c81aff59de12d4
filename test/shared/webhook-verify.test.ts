import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../shared/client/webhooks';
import { signature } from '../../src-main/engine/notify/deliverer';

describe('verifyWebhook (the snippet apps use)', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1","type":"wallet.depleted","data":{}}';
  it('accepts what Tollgate signs, and nothing else', async () => {
    const now = 1_800_000_000;
    const header = signature(secret, now, body);
    expect(header).toBe(`t=${now},v1=${createHmac('sha256', secret).update(`${now}.${body}`).digest('hex')}`);
    expect(await verifyWebhook(secret, header, body, { nowSeconds: now })).toBe(true);
    expect(await verifyWebhook(secret, header, body + ' ', { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook('whsec_other', header, body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret, header, body, { nowSeconds: now + 301 })).toBe(false);
    expect(await verifyWebhook(secret, 'garbage', body, { nowSeconds: now })).toBe(false);
  });
});
