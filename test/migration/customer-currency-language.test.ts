/**
 * Imports and a customer's `currency` and `language` (the API refuses a currency that is not a
 * fiat asset and a language the documents are not worded in):
 * - the import format validates its customers like the API: such a row is refused with the reason
 *   (file, line), and the file imports nothing;
 * - a Lago or Stripe export keeps working: a locale the documents are not worded in ("es",
 *   "pt-BR") imports as no language (English documents, as before) with a note naming the row, a
 *   supported one in any case ("FR", "de_CH") is normalized, and a second import of the same export
 *   is unchanged (the row's content hash is the source's, as earlier versions recorded it).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, ledgerDigest, openEngine, tempDir } from '../helpers/harness';

const LAGO = join(import.meta.dirname, 'fixtures', 'lago');
const STRIPE = join(import.meta.dirname, 'fixtures', 'stripe');
let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

function start() {
  fx = openEngine({ clock: new ManualClock(Date.parse('2026-11-20T12:00:00Z')) });
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** A copy of a fixture folder whose customers file is changed by `edit` (one object per line). */
function withCustomers(fixture: string, edit: (c: Record<string, any>, line: number) => void): string {
  const dir = tempDir('tollgate-import-');
  cpSync(fixture, dir, { recursive: true });
  const file = join(dir, 'customers.jsonl');
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, any>);
  rows.forEach((c, i) => edit(c, i + 1));
  writeFileSync(file, jsonl(rows));
  return dir;
}

describe('the import format', () => {
  function folder(customers: unknown[]): string {
    const dir = join(tempDir('tollgate-import-'), 'export');
    mkdirSync(dir);
    writeFileSync(join(dir, 'assets.jsonl'), jsonl([{ code: 'EUR' }, { code: 'GPU', kind: 'custom', scale: 3 }]));
    writeFileSync(join(dir, 'customers.jsonl'), jsonl(customers));
    return dir;
  }

  it('refuses a customer whose currency is not a fiat asset or whose language is not printed, with the reason, importing none of the file', async () => {
    start();
    const dir = folder([
      { external_id: 'ok', currency: 'EUR', language: 'fr' },
      { external_id: 'unknown-currency', currency: 'XYZ' },
      { external_id: 'custom-currency', currency: 'GPU' },
      { external_id: 'klingon', language: 'klingon' },
    ]);
    const report = await fx.op('createImport', { folder: dir });
    expect(report.ok).toBe(false);
    const customers = report.files.find((f: any) => f.kind === 'customers');
    expect(customers).toMatchObject({ status: 'failed', created: 0 });
    expect(customers.errors).toEqual([
      { file: 'customers.jsonl', line: 2, key: 'unknown-currency', reason: "currency XYZ: no asset has this code (a customer's currency must be a fiat asset: import or create it first, or leave currency out for the operator's default)" },
      { file: 'customers.jsonl', line: 3, key: 'custom-currency', reason: "currency GPU is a custom asset; a customer's currency must be a fiat asset (or left out for the operator's default)" },
      { file: 'customers.jsonl', line: 4, key: 'klingon', reason: 'language: must be en, fr or de (English, French, German), optionally with a region such as fr-CA or de-CH' },
    ]);
    expect((await fx.op('listCustomers', {})).data).toEqual([]);
  });

  it('imports a fiat currency of assets.jsonl and a supported language, normalized', async () => {
    start();
    const report = await fx.op('createImport', { folder: folder([{ external_id: 'ok', currency: 'EUR', language: 'FR_ca' }]) });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(await fx.op('getCustomer', { external_id: 'ok' })).toMatchObject({ currency: 'EUR', language: 'fr-CA' });
  });
});

describe('Lago and Stripe exports', () => {
  it('Lago: an unsupported document_locale imports as no language with a note; a supported one is normalized; a second import is unchanged', async () => {
    start();
    const locales: Record<string, string | null> = { hooli_1234: 'es', pied_piper: 'FR', raviga: 'pt-BR' };
    const dir = withCustomers(LAGO, (c) => {
      c.billing_configuration.document_locale = locales[c.external_id];
    });
    const report = await fx.op('createImport', { folder: dir });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.files.find((f: any) => f.kind === 'customers')).toMatchObject({ status: 'imported', created: 3 });
    expect((await fx.op('getCustomer', { external_id: 'hooli_1234' })).language).toBeNull();
    expect((await fx.op('getCustomer', { external_id: 'pied_piper' })).language).toBe('fr');
    expect((await fx.op('getCustomer', { external_id: 'raviga' })).language).toBeNull();
    const notes = report.notes.filter((n: string) => n.includes('document_locale'));
    expect(notes).toEqual([
      'customers.jsonl line 1 (hooli_1234): billing_configuration.document_locale "es" is not a language Tollgate\'s documents are worded in (en, fr, de); the customer is imported without one, so its documents print English. Set its language later if one of these fits.',
      'customers.jsonl line 3 (raviga): billing_configuration.document_locale "pt-BR" is not a language Tollgate\'s documents are worded in (en, fr, de); the customer is imported without one, so its documents print English. Set its language later if one of these fits.',
    ]);

    const digest = ledgerDigest(fx.engine);
    const again = await fx.op('createImport', { folder: dir });
    expect(again.errors).toEqual([]);
    expect(again.files.find((f: any) => f.kind === 'customers')).toMatchObject({ status: 'unchanged', created: 0, unchanged: 3 });
    expect(again.notes.filter((n: string) => n.includes('document_locale'))).toEqual([]);
    expect(ledgerDigest(fx.engine)).toBe(digest);
  });

  it('Stripe: preferred_locales[0] is kept when printed (de_CH -> de-CH), else imported as no language with a note', async () => {
    start();
    const locales = [['de_CH'], ['es-419']];
    const dir = withCustomers(STRIPE, (c, line) => {
      c.preferred_locales = locales[line - 1];
    });
    const report = await fx.op('createImport', { folder: dir });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    const customers = (await fx.op('listCustomers', {})).data as { name: string; language: string | null }[];
    expect(customers.find((c) => c.name === 'Sterling Cooper GmbH')!.language).toBe('de-CH');
    expect(customers.find((c) => c.name === 'Dunder Mifflin')!.language).toBeNull();
    expect(report.notes.filter((n: string) => n.includes('preferred_locales'))).toEqual([expect.stringMatching(/^customers\.jsonl line 2 \(.+\): preferred_locales\[0\] "es-419" is not a language Tollgate's documents are worded in \(en, fr, de\)/)]);
  });
});
