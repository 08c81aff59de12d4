/**
 * A customer's billing `currency` and invoice `language` must be ones the ledger and the documents
 * have: the currency an existing fiat asset (the invoice is drafted, posted and printed in it), the
 * language one the documents are worded in (en, fr, de, optionally with a region). Anything else is
 * refused on create and on update with an error naming the field and what is allowed, and changes
 * nothing (the customer is read back, and the ledger digest compared); null clears either field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDigest, type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;

beforeAll(async () => {
  fx = await startApi();
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createAsset', { code: 'EUR' });
  await fx.op('createAsset', { code: 'GPU', kind: 'custom', scale: 3 });
  await fx.op('createCustomer', { external_id: 'acme', name: 'Acme', currency: 'EUR', language: 'fr' });
});
afterAll(async () => {
  await fx?.close();
});

/** Runs a refused request and proves it changed nothing: the customer and every ledger table are as before. */
async function refused(method: string, path: string, body: unknown, status: number, code: string) {
  const before = ledgerDigest(fx.engine);
  const acme = (await fx.api('GET', '/v1/customers/acme')).body;
  const res = await fx.api(method, path, body);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect((await fx.api('GET', '/v1/customers/acme')).body).toEqual(acme);
  expect(ledgerDigest(fx.engine)).toBe(before);
  return res.body.error as { code: string; message: string; details: Record<string, any> };
}

describe('customer currency', () => {
  it('refuses a currency no asset has, naming the field and the fiat assets, on create and update', async () => {
    const created = await refused('POST', '/v1/customers', { external_id: 'xyz-co', currency: 'XYZ' }, 404, 'asset_not_found');
    expect(created.message).toBe("currency XYZ: no asset has this code. A customer's currency must be a fiat asset (EUR, USD), or null for the operator's default currency.");
    expect(created.details).toEqual({ asset: 'XYZ', field: 'currency', fiat_assets: ['EUR', 'USD'] });
    expect((await fx.api('GET', '/v1/customers/xyz-co')).status).toBe(404);

    const updated = await refused('PATCH', '/v1/customers/acme', { currency: 'XYZ', name: 'Renamed' }, 404, 'asset_not_found');
    expect(updated.details).toMatchObject({ field: 'currency', fiat_assets: ['EUR', 'USD'] });
    // An ISO code the ledger lacks says how to add it.
    const gbp = await refused('PATCH', '/v1/customers/acme', { currency: 'GBP' }, 404, 'asset_not_found');
    expect(gbp.message).toMatch(/^currency GBP: no asset has this code\. .* To invoice in GBP, create it first with POST \/v1\/assets\.$/);
  });

  it('refuses a custom asset as currency with validation_failed on the field', async () => {
    const err = await refused('PATCH', '/v1/customers/acme', { currency: 'GPU' }, 422, 'validation_failed');
    expect(err.message).toBe("currency GPU is a custom asset; a customer's currency must be a fiat asset (EUR, USD), or null for the operator's default currency.");
    expect(err.details.issues).toEqual([{ path: ['currency'], message: 'not a fiat asset: choose EUR, USD' }]);
    expect(err.details).toMatchObject({ asset: 'GPU', field: 'currency', fiat_assets: ['EUR', 'USD'] });
    await refused('POST', '/v1/customers', { external_id: 'gpu-co', currency: 'GPU' }, 422, 'validation_failed');
    expect((await fx.api('GET', '/v1/customers/gpu-co')).status).toBe(404);
  });

  it('refuses a code that is not three capital letters in the schema', async () => {
    for (const currency of ['eur', 'EURO', 'TOKENS']) {
      const err = await refused('PATCH', '/v1/customers/acme', { currency }, 422, 'validation_failed');
      expect(err.details.issues).toEqual([expect.objectContaining({ path: ['currency'], message: 'must be the code of a fiat asset: three capital letters, such as EUR' })]);
    }
  });

  it('takes a fiat asset, reads it back, and clears it with null', async () => {
    const created = await fx.api('POST', '/v1/customers', { external_id: 'usd-co', currency: 'USD' });
    expect(created.status).toBe(201);
    expect(created.body.currency).toBe('USD');
    expect((await fx.api('PATCH', '/v1/customers/usd-co', { currency: 'EUR' })).body.currency).toBe('EUR');
    expect((await fx.api('GET', '/v1/customers/usd-co')).body.currency).toBe('EUR');
    expect((await fx.api('PATCH', '/v1/customers/usd-co', { currency: null })).body.currency).toBeNull();
    expect((await fx.api('GET', '/v1/customers/usd-co')).body.currency).toBeNull();
    // An update that leaves currency out keeps it.
    await fx.api('PATCH', '/v1/customers/usd-co', { currency: 'USD' });
    expect((await fx.api('PATCH', '/v1/customers/usd-co', { name: 'USD Co' })).body.currency).toBe('USD');
  });
});

describe('customer language', () => {
  it('refuses a language the documents are not worded in, naming the allowed ones, on create and update', async () => {
    for (const language of ['klingon', 'es', 'ja', 'fr-CAN', 'fr-', 'en_US_POSIX']) {
      const err = await refused('PATCH', '/v1/customers/acme', { language }, 422, 'validation_failed');
      expect(err.details.issues).toEqual([expect.objectContaining({ path: ['language'], message: 'must be en, fr or de (English, French, German), optionally with a region such as fr-CA or de-CH' })]);
    }
    await refused('POST', '/v1/customers', { external_id: 'kl-co', language: 'klingon' }, 422, 'validation_failed');
    expect((await fx.api('GET', '/v1/customers/kl-co')).status).toBe(404);
  });

  it('takes en, fr and de with an optional region, normalizes case and separator, and clears with null', async () => {
    const created = await fx.api('POST', '/v1/customers', { external_id: 'de-co', language: 'DE' });
    expect(created.status).toBe(201);
    expect(created.body.language).toBe('de');
    const cases: [string, string][] = [
      ['fr', 'fr'],
      ['en', 'en'],
      ['fr-ca', 'fr-CA'],
      ['de_CH', 'de-CH'],
      ['EN-gb', 'en-GB'],
    ];
    for (const [given, stored] of cases) {
      expect((await fx.api('PATCH', '/v1/customers/de-co', { language: given })).body.language).toBe(stored);
      expect((await fx.api('GET', '/v1/customers/de-co')).body.language).toBe(stored);
    }
    expect((await fx.api('PATCH', '/v1/customers/de-co', { language: null })).body.language).toBeNull();
    expect((await fx.api('GET', '/v1/customers/de-co')).body.language).toBeNull();
  });

  it('documents the rule in the OpenAPI document', async () => {
    const doc = (await fx.api('GET', '/v1/openapi.json')).body;
    const body = doc.paths['/v1/customers'].post.requestBody.content['application/json'].schema;
    const schema = body.$ref ? doc.components.schemas[body.$ref.split('/').pop()] : body;
    expect(schema.properties.language.description).toMatch(/`en` \(English\), `fr` \(French\), `de` \(German\)/);
    expect(JSON.stringify(schema.properties.language)).toContain('"pattern"');
    expect(schema.properties.currency.description).toMatch(/existing fiat asset/);
  });
});
