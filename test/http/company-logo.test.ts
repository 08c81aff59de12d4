/**
 * The seller's own logo on its documents. A reviewer's invoices to their customers carried
 * Tollgate's logo, with no way to put their own. The logo is a setting (SVG markup, checked and
 * kept small); each document issued keeps a copy of the logo it was issued with, so changing it
 * later never alters an issued PDF; without one, the seller's legal name heads the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { LOGO_MAX_CHARS } from '../../shared/contract/pricing';
import { advanceBilling, type ServerFixture, startApi } from '../helpers/harness';
import { savePdf, wordBoxes } from '../documents/pdf-tools';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

const SQUARE = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" height="10" fill="#123"/></svg>\n';

/** The words above the title line of page 1 of an invoice's issued PDF. */
async function headerOf(id: string): Promise<{ words: string[]; sha256: string }> {
  const doc = (await fx.api('GET', `/v1/invoices/${id}/document`)).body;
  const words = wordBoxes(savePdf(Buffer.from(doc.base64, 'base64'), 'logo-invoice'));
  const title = words.find((w) => w.text === 'Invoice')!;
  return { words: words.filter((w) => w.page === 1 && w.yMin < title.yMax).map((w) => w.text), sha256: doc.sha256 };
}

describe('the seller\'s logo', () => {
  it('is checked, kept small, and changes nothing when refused', async () => {
    fx = await startApi();
    const { api } = fx;
    for (const [logo, message] of [
      ['<html><body>hi</body></html>', 'an SVG document'],
      ['<svg xmlns="http://www.w3.org/2000/svg">', 'an SVG document'],
      [`<svg>${' '.repeat(LOGO_MAX_CHARS)}</svg>`, 'at most 20 KB'],
    ] as const) {
      const r = await api('PATCH', '/v1/settings', { company: { logo_svg: logo } });
      expect([r.status, r.body.error.code, JSON.stringify(r.body.error.details)]).toEqual([422, 'validation_failed', expect.stringContaining(message)]);
    }
    expect((await api('GET', '/v1/settings')).body.company.logo_svg).toBeNull();
    expect((await api('PATCH', '/v1/settings', { company: { logo_svg: SQUARE } })).body.company.logo_svg).toBe(SQUARE);
    expect((await api('PATCH', '/v1/settings', { company: { legal_name: 'GPU Rentals Ltd' } })).body.company).toMatchObject({ legal_name: 'GPU Rentals Ltd', logo_svg: SQUARE });
  });

  it('prints on the invoices issued with it, stays on them after a change, and the name takes its place without one', async () => {
    const clock = new ManualClock(Date.parse('2026-04-01T00:00:00Z'));
    fx = await startApi({ clock });
    const { api } = fx;
    await api('PATCH', '/v1/settings', { company: { legal_name: 'GPU Rentals Ltd', logo_svg: SQUARE }, grace_period_hours: 0 });
    await api('POST', '/v1/assets', { code: 'USD' });
    await api('POST', '/v1/customers', { external_id: 'c', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
    await api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '4900' } });
    await api('POST', '/v1/subscriptions', { customer: 'c', plan: 'p' });
    await advanceBilling(fx.engine, clock, '2026-05-01T01:00:00Z');
    const [april] = (await api('GET', '/v1/invoices?customer=c&status=open')).body.data;
    const withLogo = await headerOf(april.id);
    expect(withLogo.words).toEqual(['Invoice']); // the logo is a drawing, not words

    await api('PATCH', '/v1/settings', { company: { logo_svg: null } });
    await advanceBilling(fx.engine, clock, '2026-06-01T01:00:00Z');
    const may = (await api('GET', '/v1/invoices?customer=c&status=open')).body.data.find((i: any) => i.id !== april.id);
    expect((await headerOf(may.id)).words).toEqual(['GPU', 'Rentals', 'Ltd', 'Invoice']);
    // April's PDF is the one it was issued with.
    expect(await headerOf(april.id)).toEqual(withLogo);
  });
});
