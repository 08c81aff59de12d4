import { describe, expect, it } from 'vitest';
import { computeTco, CSV_COLUMNS, csvField, loadPublishedExample, parseCsv, toCsv, type TcoInput } from '../../../shared/tco';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(parseCsv('"a,b","say ""hi""",c\r\n')).toEqual([['a,b', 'say "hi"', 'c']]);
  });

  it('keeps negative numbers but defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('-45')).toBe('-45');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('round-trips: every row has every column, and a tricky source comes back unchanged', () => {
    const base = loadPublishedExample();
    const tricky = 'Quote from "Lago sales", 2026-11, incl. portal,\ncredit notes';
    const inp: TcoInput = {
      ...base,
      options: base.options.map((o) => (o.id !== 'lagoCloud' ? o : { ...o, lines: o.lines.map((l) => (l.id === 'lagoCloud.subscription' ? { ...l, value: '2500', source: tricky } : l)) })),
    };
    const result = computeTco(inp);
    const csv = toCsv(result);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const sub = rows.find((r) => r[col('id')] === 'lagoCloud.subscription')!;
    expect(sub[col('value')]).toBe('2500');
    expect(sub[col('source')]).toBe(`${tricky}. Unknown until Lago sales quotes it; see the two anecdotal hints below`);
    // Each preset line's source is in the export.
    for (const o of inp.options) for (const l of o.lines) expect(rows.some((r) => r[col('id')] === l.id && r[col('source')]!.startsWith(l.source))).toBe(true);
    // The headline numbers are there, with the ids they came from.
    const credyt = rows.find((r) => r[col('id')] === 'option.credyt.monthlyExcludingProcessing')!;
    expect(credyt[col('value')]).toBe('90');
    expect(credyt[col('from')]!.split(' ')).toContain('credyt.walletPrice');
    const cumulative = rows.filter((r) => r[col('section')] === 'cumulative' && r[col('option')] === 'credyt');
    expect(cumulative).toHaveLength(result.scenario.horizonMonths);
  });

  it('writes unknowns as "unknown" with the input that caused them, never as 0', () => {
    const rows = parseCsv(toCsv(computeTco(loadPublishedExample())));
    const monthly = rows.find((r) => r[2] === 'option.lagoCloud.monthly')!;
    expect(monthly[4]).toBe('unknown');
    expect(monthly[10]).toBe('lagoCloud.subscription');
    const be = rows.find((r) => r[2] === 'breakEven.credyt~lagoCloud')!;
    expect(be[4]).toBe('unknown');
  });
});
