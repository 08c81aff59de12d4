/**
 * Money on screen, in PDFs and in CSV: one formatter for all of them.
 *
 * Amounts travel as strings (or BigInts) of integer minor units with the asset's scale beside them.
 * The decimal point is inserted by string, then `Intl.NumberFormat` formats the decimal string,
 * which it keeps exact (no `Number` is ever made of an amount).
 */

export interface AssetLike {
  code: string;
  scale: number;
  kind?: 'fiat' | 'custom';
  /** Unit label for custom assets ("tokens", "GPU-h"); defaults to the code. */
  label?: string;
}

/** "123456" with scale 2 -> "1234.56"; "-5" -> "-0.05". Exact. */
export function minorToDecimal(minor: string | bigint, scale: number): string {
  const text = typeof minor === 'bigint' ? minor.toString() : minor.trim();
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer amount: ${JSON.stringify(minor)}`);
  const negative = text.startsWith('-');
  let digits = negative ? text.slice(1) : text;
  digits = digits.replace(/^0+(?=\d)/, '');
  if (scale === 0) return (negative && digits !== '0' ? '-' : '') + digits;
  digits = digits.padStart(scale + 1, '0');
  const out = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative && /[1-9]/.test(digits) ? `-${out}` : out;
}

/** "12.5" with scale 2 -> 1250n; refuses more decimals than the scale ("GPU_HOURS allows 6 decimals"). */
export function decimalToMinor(text: string, scale: number, code = 'this asset'): bigint {
  const t = text.trim().replace(/[_\s,]/g, '');
  const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`${JSON.stringify(text)} is not an amount`);
  const frac = m[3] ?? '';
  if (frac.length > scale) throw new RangeError(`${code} allows ${scale} decimal${scale === 1 ? '' : 's'}`);
  const v = BigInt((m[2] || '0') + frac.padEnd(scale, '0'));
  return m[1] ? -v : v;
}

const ISO_CURRENCIES = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['USD', 'EUR', 'GBP', 'JPY']);

export interface FormatOptions {
  locale?: string;
  /** Invoices: negative amounts in parentheses. */
  accounting?: boolean;
  /** Deltas: +$5.00 / -$5.00. */
  signed?: boolean;
  /** Cards and chart axes: ≈1.2K (the exact value belongs in a tooltip). */
  compact?: boolean;
  /** Custom assets: append the unit label (default true). */
  unit?: boolean;
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/**
 * formatAmount("123456", USD) -> "$1,234.56"; ("-500", USD, {accounting}) -> "($5.00)";
 * ("1250000", TOKENS) -> "1,250,000 TOKENS"; ("1500000", GPU_HOURS scale 6) -> "1.500000 GPU_HOURS".
 */
export function formatAmount(minor: string | bigint, asset: AssetLike, opts: FormatOptions = {}): string {
  const decimal = minorToDecimal(minor, asset.scale);
  const locale = opts.locale ?? 'en-US';
  const fiat = (asset.kind ?? (ISO_CURRENCIES.has(asset.code) ? 'fiat' : 'custom')) === 'fiat' && ISO_CURRENCIES.has(asset.code);
  const signDisplay = opts.signed ? 'exceptZero' : 'auto';
  if (opts.compact) {
    const f = formatter(`${locale}|${asset.code}|c|${fiat}|${signDisplay}`, () =>
      new Intl.NumberFormat(locale, {
        ...(fiat ? { style: 'currency', currency: asset.code } : {}),
        notation: 'compact',
        maximumFractionDigits: 1,
        signDisplay,
      }),
    );
    const text = f.format(decimal as unknown as number);
    return '≈' + (fiat || opts.unit === false ? text : `${text} ${asset.label ?? asset.code}`);
  }
  const f = formatter(`${locale}|${asset.code}|${asset.scale}|${fiat}|${opts.accounting ? 'a' : ''}|${signDisplay}`, () =>
    new Intl.NumberFormat(locale, {
      ...(fiat ? { style: 'currency', currency: asset.code, currencySign: opts.accounting ? 'accounting' : 'standard' } : {}),
      minimumFractionDigits: asset.scale,
      maximumFractionDigits: asset.scale,
      signDisplay,
    }),
  );
  // Intl formats a decimal string exactly (ECMA-402 "string numeric literal" input).
  const text = f.format(decimal as unknown as number);
  return fiat || opts.unit === false ? text : `${text} ${asset.label ?? asset.code}`;
}

/** A unit price in major units, at full precision: "$0.000002". */
export function formatUnitPrice(price: string, asset: AssetLike, locale = 'en-US'): string {
  const decimals = (price.split('.')[1] ?? '').length;
  const fiat = ISO_CURRENCIES.has(asset.code) && (asset.kind ?? 'fiat') === 'fiat';
  const f = new Intl.NumberFormat(locale, {
    ...(fiat ? { style: 'currency', currency: asset.code } : {}),
    minimumFractionDigits: Math.min(Math.max(decimals, fiat ? asset.scale : 0), 20),
    maximumFractionDigits: 20,
  });
  const text = f.format(price as unknown as number);
  return fiat ? text : `${text} ${asset.label ?? asset.code}`;
}
