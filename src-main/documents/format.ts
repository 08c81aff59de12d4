/**
 * Locale-aware text for the values a document prints: money (through shared/money.ts, exact, never
 * a Number), decimal quantities and prices, ISO dates and country names.
 */
import { dec, toText } from '../../shared/decimal';
import { formatAmount, formatUnitPrice } from '../../shared/money';
import type { DocumentModel } from './model';

export interface Formatter {
  locale: string;
  /** Minor units of the document currency, accounting style: "($5.00)" for negatives. */
  money(minor: string): string;
  /** A decimal unit price at full precision: "$0.000002". */
  unitPrice(decimal: string): string;
  /** A decimal quantity with grouping, exact: "1,200,000.5". */
  quantity(decimal: string): string;
  /** A percent given as a decimal string: "20" -> "20%", "5.5" -> "5.5%" ("20 %" in French). */
  percent(rate: string): string;
  /** "2026-11-30" -> "November 30, 2026" (the date is a calendar date: no time zone shift). */
  date(iso: string): string;
  /** A date range with what the two dates share written once: "November 1 – 30, 2026". */
  period(startIso: string, endIso: string): string;
  /** "DE" -> "Germany"; a code without a name prints as given. */
  country(code: string): string;
}

/** A locale Intl accepts: the document's language, or English when the tag is malformed. */
export function supportedLocale(language: string): string {
  try {
    return Intl.getCanonicalLocales(language.replace('_', '-'))[0] ?? 'en';
  } catch {
    return 'en';
  }
}

export function formatterFor(doc: Pick<DocumentModel, 'language' | 'currency'>): Formatter {
  const locale = supportedLocale(doc.language);
  const currency = doc.currency;
  const quantityFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 20 });
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 20 });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const regions = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'code' });
  return {
    locale,
    money: (minor) => formatAmount(minor, currency, { accounting: true, locale }),
    unitPrice: (decimal) => formatUnitPrice(decimal, currency, locale),
    // Intl formats a decimal string exactly (no Number is made of it).
    quantity: (decimal) => quantityFormat.format(decimal as unknown as number),
    percent: (rate) => percentFormat.format(percentToFraction(rate) as unknown as number),
    date: (iso) => dateFormat.format(parseIsoDate(iso)),
    period: (startIso, endIso) => dateFormat.formatRange(parseIsoDate(startIso), parseIsoDate(endIso)),
    country: (code) => {
      const upper = code.trim().toUpperCase();
      // CLDR names ZZ "Unknown Region": the code itself says as much and reads less oddly.
      if (upper === 'ZZ') return upper;
      try {
        return regions.of(upper) ?? code;
      } catch {
        return code;
      }
    },
  };
}

/** "2026-11-30" as midnight UTC of that day. */
export function parseIsoDate(iso: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new RangeError(`not an ISO date: ${JSON.stringify(iso)}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}


/** "20" -> "0.2": a percent as the fraction Intl's percent style expects, exactly (a wider scale). */
function percentToFraction(rate: string): string {
  const d = dec(rate);
  return toText({ c: d.c, s: d.s + 2 });
}
