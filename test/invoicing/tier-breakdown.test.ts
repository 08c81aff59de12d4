/**
 * A graduated charge's tiers on the invoice add up to its line, in the API answer, in the draft
 * (preview) and in the frozen PDF: 12 units at 0–10 × 0.0015 and 11+ × 0.0025 are exactly $0.02,
 * rounded once; the tiers show $0.02 + $0.00 (cumulative rounding), not $0.02 + $0.01.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('tier breakdown of an invoice line', () => {
  it('12 units over two graduated tiers: tiers 2 + 0 under a line of 2', async () => {
    const clock = new ManualClock(Date.parse('2026-10-01T00:00:00Z'));
    fx = openEngine({ clock });
    const f = fx;
    await f.op('updateSettings', { grace_period_hours: 24 });
    await f.op('createAsset', { code: 'USD' });
    await f.op('createCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
    await f.op('createMetric', { code: 'calls', aggregation: 'count' });
    await f.op('createPlan', {
      code: 'grad',
      name: 'Graduated',
      interval: 'monthly',
      charges: [
        {
          metric: 'calls',
          asset: 'USD',
          model: 'graduated',
          properties: {
            graduated_ranges: [
              { from_value: 0, to_value: 10, per_unit_amount: '0.0015', flat_amount: '0' },
              { from_value: 11, to_value: null, per_unit_amount: '0.0025', flat_amount: '0' },
            ],
          },
        },
      ],
    });
    await f.op('createSubscription', { customer: 'acme', plan: 'grad' });
    for (let i = 0; i < 12; i++) await f.op('ingestEvent', { transaction_id: `e${i}`, customer: 'acme', code: 'calls' });

    const check = (inv: any) => {
      const line = inv.lines.find((l: any) => l.kind === 'usage');
      expect(line.amount).toBe('2'); // 0.015 + 0.005 = 0.02, rounded once
      expect(line.tiers.map((t: any) => t.amount)).toEqual(['2', '0']);
      expect(line.tiers.reduce((s: bigint, t: any) => s + BigInt(t.amount), 0n)).toBe(BigInt(line.amount));
    };

    clock.set(Date.parse('2026-11-01T00:00:00Z'));
    await f.engine.runBilling();
    const [draft] = (await f.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(draft.status).toBe('draft');
    check(await f.op<any>('getInvoice', { id: draft.id }));

    clock.set(Date.parse('2026-11-02T01:00:00Z'));
    await f.engine.runBilling();
    const inv = await f.op<any>('getInvoice', { id: draft.id });
    expect(inv.status).toBe('open');
    check(inv);

    const doc = await f.op<any>('getInvoiceDocument', { id: inv.id });
    const dir = mkdtempSync(join(tmpdir(), 'tiers-'));
    writeFileSync(join(dir, 'inv.pdf'), Buffer.from(doc.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'inv.pdf'), '-']).toString();
    const rows = text.split('\n').map((l) => l.trim().replace(/\s{2,}/g, ' | '));
    const at = rows.findIndex((l) => l.startsWith('calls'));
    expect(rows.slice(at, at + 3)).toEqual(['calls | 12 events | $0.02', '0 – 10 | 10 | $0.0015 | $0.02', '11 and above | 2 | $0.0025 | $0.00']);
  });
});
