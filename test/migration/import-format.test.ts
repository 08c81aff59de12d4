/**
 * Proves the import format (docs/import-format.md, fixtures/tollgate) end to end on a frozen clock:
 * - every kind imports (settings, assets, customers, metrics, plans, subscriptions with their
 *   original start, opening balances as lots and debt, opening usage of the current period);
 * - opening usage continues the period: volume tiers and unique counts go on from it, and what the
 *   previous system billed is never billed again;
 * - a file with one bad row imports nothing from that file (all or nothing per file) and the report
 *   names the row (file, line, reason); an unreadable line is named the same way; the other files
 *   still import and the ledger check passes;
 * - a changed row is refused on a later import (never applied twice), and an unchanged second
 *   import writes nothing (ledger digest unchanged).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, ledgerDigest, openEngine, tempDir } from '../helpers/harness';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'tollgate');
let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

function start() {
  fx = openEngine({ clock: new ManualClock(Date.parse('2026-11-20T12:00:00Z')) });
}

/** A copy of the fixture with one file's line replaced. */
function withLine(file: string, line: number, text: string): string {
  const dir = tempDir('tollgate-import-');
  cpSync(FIXTURE, dir, { recursive: true });
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  lines[line - 1] = text;
  writeFileSync(join(dir, file), lines.join('\n'));
  return dir;
}

const balance = async (customer: string) => (await fx.op('getBalances', { external_id: customer })).balances[0];

describe('the import format', () => {
  it('imports every kind; opening usage continues tiers and unique counts without billing them again', async () => {
    start();
    const report = await fx.op('createImport', { folder: FIXTURE });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ source: 'tollgate', ok: true, ledger: { ok: true } });
    expect(report.files.map((f: any) => [f.file, f.status, f.created])).toEqual([
      ['settings.jsonl', 'imported', 2],
      ['assets.jsonl', 'imported', 2],
      ['customers.jsonl', 'imported', 3],
      ['metrics.jsonl', 'imported', 3],
      ['plans.jsonl', 'imported', 1],
      ['subscriptions.jsonl', 'imported', 2],
      ['balances.jsonl', 'imported', 4],
      ['usage.jsonl', 'imported', 3],
    ]);

    expect(await balance('globex')).toMatchObject({ posted: '130000', available: '130000', debt: '0' });
    expect((await balance('globex')).lots.map((l: any) => [l.kind, l.remaining, l.priority, l.expires_at])).toEqual([
      ['granted', '5000', 10, '2026-12-31T23:59:59.000Z'],
      ['paid', '125000', 50, null],
    ]);
    expect(await balance('umbrella')).toMatchObject({ posted: '0', debt: '1500', available: '-1500', overdraft_limit: '5000' });
    const initech = await fx.op('getSubscription', { id: 'sub-initech' });
    expect(initech).toMatchObject({ billing_time: 'anniversary', current_period: { start: '2026-11-03T05:00:00.000Z', end: '2026-12-03T05:00:00.000Z' } });
    expect(fx.engine.store.getMeta('invoice_seq:ACME:2026')).toBe('119');
    expect((await fx.op('getSettings', {})).grace_period_hours).toBe(12);

    // Opening usage: 3,000 GPU seconds on a volume price ($30), which the previous system billed:
    // the period counts them, and owes nothing for them here.
    const usage = await fx.op('getUsage', { external_id: 'globex' });
    const gpu = usage.charges.find((c: any) => c.metric === 'gpu_seconds');
    expect(gpu).toMatchObject({ units: '3000', amount: '0', posted: '0' });
    // 1,000 more move all 4,000 into the second volume tier: the period's price is $20, so $10 comes back.
    const ev = await fx.op('ingestEvent', { transaction_id: 'g1', customer: 'globex', code: 'gpu_seconds', properties: { seconds: 1000 } });
    expect(ev.debits).toEqual([expect.objectContaining({ amount: '-1000' })]);
    // Unique users continue: u3 is known (free), u7 is the 7th (the 2nd above the 5 included).
    const known = await fx.op('ingestEvent', { transaction_id: 'u3', customer: 'globex', code: 'active_users', properties: { user: 'u3' } });
    expect(known.charges).toEqual([expect.objectContaining({ metric: 'active_users', amount: '0', units: '0' })]);
    const fresh = await fx.op('ingestEvent', { transaction_id: 'u7', customer: 'globex', code: 'active_users', properties: { user: 'u7' } });
    expect(fresh.debits).toEqual([expect.objectContaining({ amount: '400' })]);
    // Requests continue from 10,000 ($10.00): the 10,001st makes $10.001, still $10.00 once rounded.
    const req = await fx.op('ingestEvent', { transaction_id: 'r1', customer: 'globex', code: 'requests' });
    expect(req.debits).toEqual([expect.objectContaining({ amount: '0' })]);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a file with one bad row imports nothing from that file and names the row', async () => {
    start();
    const dir = withLine('balances.jsonl', 3, '{"reference": "legacy:initech:paid", "customer": "initech", "asset": "USD", "kind": "paid", "amount": "-800"}');
    const report = await fx.op('createImport', { folder: dir });
    expect(report.ok).toBe(false);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ file: 'balances.jsonl', line: 3, key: 'legacy:initech:paid' });
    expect(report.errors[0].reason).toMatch(/amount: must be a positive integer of minor units/);
    const balances = report.files.find((f: any) => f.kind === 'balances');
    expect(balances).toMatchObject({ status: 'failed', created: 0 });
    // Nothing of balances.jsonl is in, not even its good rows; every other file is.
    expect((await fx.op('getBalances', { external_id: 'globex' })).balances).toEqual([]);
    expect((await fx.op('getBalances', { external_id: 'umbrella' })).balances[0]).toMatchObject({ debt: '0' });
    expect(report.files.filter((f: any) => f.kind !== 'balances').every((f: any) => f.status === 'imported')).toBe(true);
    expect(report.ledger.ok).toBe(true);

    // Fixed and imported again: the other files are unchanged, balances.jsonl goes in whole.
    const again = await fx.op('createImport', { folder: FIXTURE });
    expect(again.errors).toEqual([]);
    expect(again.files.find((f: any) => f.kind === 'balances')).toMatchObject({ status: 'imported', created: 4 });
    expect(again.files.filter((f: any) => f.kind !== 'balances').every((f: any) => f.status === 'unchanged')).toBe(true);
    expect((await fx.op('getBalances', { external_id: 'globex' })).balances[0].available).toBe('130000');
  });

  it('reports every bad row of a file (unreadable lines and references to nothing included)', async () => {
    start();
    const dir = withLine('customers.jsonl', 3, '{"external_id": "umbrella", "name": ');
    writeFileSync(join(dir, 'subscriptions.jsonl'), readFileSync(join(dir, 'subscriptions.jsonl'), 'utf8') + '{"external_id": "sub-x", "customer": "nobody", "plan": "pro", "started_at": "2026-01-01T00:00:00Z"}\n');
    const report = await fx.op('createImport', { folder: dir, dry_run: true });
    expect(report.dry_run).toBe(true);
    const customers = report.files.find((f: any) => f.kind === 'customers');
    expect(customers.status).toBe('would_fail');
    expect(customers.errors).toEqual([expect.objectContaining({ file: 'customers.jsonl', line: 3, reason: expect.stringMatching(/^not valid JSON/) })]);
    // A dry run validates each file against what the files before it would import: without
    // customers.jsonl (which would import nothing) no subscription or balance has its customer,
    // and the row naming a customer that exists nowhere is reported as well.
    const subs = report.files.find((f: any) => f.kind === 'subscriptions');
    expect(subs.errors.map((e: any) => [e.line, e.reason])).toEqual([
      [1, 'customer globex does not exist'],
      [2, 'customer initech does not exist'],
      [3, 'customer nobody does not exist'],
    ]);
    expect(report.files.find((f: any) => f.kind === 'balances').errors.map((e: any) => e.line)).toEqual([1, 2, 3, 4]);
    // A dry run wrote nothing.
    expect((await fx.op('listCustomers', {})).data).toEqual([]);
  });

  it('a second import changes nothing; a changed row is refused, never applied twice', async () => {
    start();
    // The import itself, as every door runs it (the HTTP and IPC doors add an audit row per run).
    expect((await fx.engine.portability.runImport({ folder: FIXTURE })).ok).toBe(true);
    const digest = ledgerDigest(fx.engine);
    const second = await fx.engine.portability.runImport({ folder: FIXTURE });
    expect(second.ok).toBe(true);
    expect(second.files.every((f: any) => f.status === 'unchanged')).toBe(true);
    expect(ledgerDigest(fx.engine)).toBe(digest);

    const changed = withLine('balances.jsonl', 1, '{"reference": "legacy:globex:paid", "customer": "globex", "asset": "USD", "kind": "paid", "amount": "126000"}');
    const third = await fx.engine.portability.runImport({ folder: changed });
    expect(third.ok).toBe(false);
    expect(third.errors).toEqual([expect.objectContaining({ file: 'balances.jsonl', line: 1, key: 'legacy:globex:paid', reason: expect.stringMatching(/was imported on .* with other content/) })]);
    expect(ledgerDigest(fx.engine)).toBe(digest);
  });
});
