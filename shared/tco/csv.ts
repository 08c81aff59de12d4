/**
 * The comparison as CSV (RFC 4180): one row per fact, fixed columns, so a spreadsheet can pivot it
 * and every number sits next to its source. Also a parser, for round-trip checks and later import.
 */
import { isDecimalText } from '../decimal';
import type { Figure } from './traced';
import type { TcoResult } from './model';

export const CSV_COLUMNS = ['section', 'option', 'id', 'label', 'value', 'unit', 'kind', 'source', 'date', 'from', 'unknown_because'] as const;

type Row = Record<(typeof CSV_COLUMNS)[number], string>;

const EMPTY: Row = { section: '', option: '', id: '', label: '', value: '', unit: '', kind: '', source: '', date: '', from: '', unknown_because: '' };

/**
 * Quotes a field when RFC 4180 requires it (comma, quote, CR or LF), doubling quotes. Text that a
 * spreadsheet would run as a formula (leading =, +, -, @, tab or CR) gets a leading apostrophe,
 * unless it is a plain number such as "-45".
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !isDecimalText(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function figureRow(section: string, option: string, f: Figure): Row {
  return {
    ...EMPTY,
    section,
    option,
    id: f.id,
    label: f.label,
    value: f.value ?? (f.undefinedBecause !== undefined ? `undefined: ${f.undefinedBecause}` : 'unknown'),
    unit: f.unit,
    from: f.from.join(' '),
    unknown_because: f.unknownBecause.join(' '),
  };
}

export function toCsvRows(result: TcoResult): Row[] {
  const rows: Row[] = [];
  for (const i of result.inputs) {
    const section = i.id.startsWith('scenario.') ? 'input' : i.id.startsWith('feature.') ? 'feature' : 'preset';
    rows.push({
      ...EMPTY,
      section,
      option: i.optionId ?? '',
      id: i.id,
      label: i.hint ? `${i.label} (hint, not used in totals)` : i.label,
      value: i.value ?? 'unknown',
      unit: i.unit,
      kind: i.kind,
      source: i.note === undefined ? i.source : `${i.source}. ${i.note}`,
      date: i.date,
    });
  }
  for (const f of [result.revenueMonthly, result.eventsMonthly, result.activeWallets]) rows.push(figureRow('volume', '', f));
  for (const o of result.options) {
    // A computed line's "source" is its formula; its unit already says monthly or one-off.
    for (const l of o.lines) rows.push({ ...figureRow('cost_line', o.id, l.amount), source: l.formula });
    for (const f of [o.monthlyExcludingProcessing, o.processingMonthly, o.monthly, o.oneOff, o.horizonTotal, o.costPerCustomerMonthly, o.shareOfRevenue, o.expectedLossMonthly, o.monthlyWithExpectedLoss]) {
      rows.push(figureRow('summary', o.id, f));
    }
    for (const m of o.cumulative) {
      rows.push({ ...EMPTY, section: 'cumulative', option: o.id, id: `option.${o.id}.cumulative.${m.month}`, label: `Cumulative cost, month ${m.month}`, value: m.value ?? 'unknown', unit: 'usd', unknown_because: m.value === null ? o.cumulativeUnknownBecause.join(' ') : '' });
    }
  }
  for (const b of result.breakEvens) {
    const label =
      b.status === 'found'
        ? `${b.cheaperFrom} becomes cheaper than ${b.cheaperFrom === b.a ? b.b : b.a} from this many customers`
        : b.status === 'never'
          ? `no change in which is cheaper up to ${b.maxCustomers} customers`
          : b.searchedUpTo < 0
            ? 'unknown at any customer count'
            : `unknown beyond ${b.searchedUpTo} customers (no change in which is cheaper up to there)`;
    rows.push({ ...EMPTY, section: 'break_even', option: `${b.a} vs ${b.b}`, id: b.id, label, value: b.status === 'found' ? String(b.customers) : b.status, unit: 'customers', from: b.from.join(' '), unknown_because: b.unknownBecause.join(' ') });
  }
  for (const r of [result.risk.invoice, result.risk.wallet]) {
    for (const v of Object.values(r)) if (typeof v === 'object' && v !== null && 'unknownBecause' in v) rows.push(figureRow(`risk_${r.model}`, '', v as Figure));
    for (const p of r.atRiskByDay) rows.push({ ...EMPTY, section: `risk_${r.model}`, id: `risk.${r.model}.atRiskByDay.${p.day}`, label: `At risk at the end of day ${p.day} of the cycle`, value: p.value, unit: 'usd' });
  }
  return rows;
}

/** The whole comparison: a header row, then one row per fact; CRLF line ends as RFC 4180 says. */
export function toCsv(result: TcoResult): string {
  const lines = [CSV_COLUMNS.join(','), ...toCsvRows(result).map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}

/** Parses RFC 4180 CSV (quoted fields may hold commas, doubled quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
