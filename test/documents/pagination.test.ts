/** A 300-line invoice runs over many pages: the table header repeats and the pages are numbered. */
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../src-main/documents/render';
import { longInvoice } from './fixtures';
import { pageTexts, savePdf } from './pdf-tools';

const TABLE_HEADER = /DESCRIPTION\s+QTY\s+UNIT PRICE\s+AMOUNT/;

describe('a 300-line invoice', async () => {
  // (How long this takes is measured by the benchmark, not asserted here.)
  const pdf = await renderDocument(longInvoice(300));
  const pages = pageTexts(savePdf(pdf, 'long-invoice'));

  it('runs over several pages, numbered "Page x of N"', () => {
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`));
  });

  it('repeats the table header on every page that holds lines', () => {
    const withLines = pages.filter((text) => /Usage line \d{3}/.test(text));
    expect(withLines.length).toBeGreaterThan(1);
    for (const text of withLines) expect(text).toMatch(TABLE_HEADER);
    // Only the closing notes may spill onto a page of their own, after the last line.
    const lastWithLines = pages.findLastIndex((text) => /Usage line \d{3}/.test(text));
    pages.slice(0, lastWithLines + 1).forEach((text) => expect(text).toMatch(TABLE_HEADER));
  });

  it('prints every line once, in order, each with its tier rows', () => {
    const all = pages.join('\n');
    let from = 0;
    for (let i = 1; i <= 300; i++) {
      const n = String(i).padStart(3, '0');
      const at = all.indexOf(`Usage line ${n}:`, from);
      expect(at, `line ${n}`).toBeGreaterThanOrEqual(from);
      from = at;
      if (i % 5 === 0) expect(all.indexOf(`Tier 2 of line ${n}`, from)).toBeGreaterThan(at);
    }
    expect(all.match(/Usage line \d{3}:/g)).toHaveLength(300);
  });

  it('ends with the totals after the last line', () => {
    const all = pages.join('\n');
    expect(all.indexOf('Amount due', all.indexOf('Usage line 300:'))).toBeGreaterThan(0);
    expect(all).toMatch(/Amount due\s+€54,180\.00/);
  });
});
