/**
 * A JSON integer past 2^53 − 1 in an amount: JSON.parse has already lost its digits
 * (9007199254740993 arrives as 9007199254740992), so it is refused, and the message says why (beyond
 * the exact integer range) and what to do (send it as a decimal string), not "… is not an integer".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerFixture, seedTokens, startApi } from '../helpers/harness';

let fx: ServerFixture;
beforeAll(async () => {
  fx = await startApi();
  await seedTokens(fx.op, { topUp: '1000' });
});
afterAll(async () => {
  await fx?.close();
});

describe('a JSON integer beyond 2^53 − 1 in an amount', () => {
  it('is refused as beyond the exact integer range, to be sent as a decimal string', async () => {
    const res = await fx.api('POST', '/v1/customers/acme/top-ups', '{"asset":"USD","amount":9007199254740993}');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    const text = JSON.stringify(res.body);
    expect(text).toContain('beyond the exact integer range');
    expect(text).toContain('2^53 − 1');
    expect(text).toContain('decimal string');
    expect(text).not.toContain('9007199254740992 is not an integer');
  });

  it('the same amount as a string is read exactly', async () => {
    const res = await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '9007199254740993' });
    expect(res.status).toBe(201);
    expect(res.body.amount).toBe('9007199254740993');
  });

  it('a float is still refused as not an integer', async () => {
    const res = await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: 10.5 });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('10.5 is not an integer');
  });
});
