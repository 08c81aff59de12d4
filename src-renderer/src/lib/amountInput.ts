import { decimalToMinor, type AssetLike } from '@shared/money';

/** A typed amount (kept as text) to minor units, with the scale named in the error. */
export function parseAmountInput(text: string, asset: AssetLike, opts: { allowZero?: boolean } = {}): { ok: true; minor: string } | { ok: false; error: string | null } {
  const t = text.trim();
  if (!t) return { ok: false, error: null };
  try {
    const minor = decimalToMinor(t, asset.scale, asset.code);
    if (minor < 0n) return { ok: false, error: 'Enter a positive amount' };
    if (minor === 0n && !opts.allowZero) return { ok: false, error: 'Enter an amount above zero' };
    if (minor > 10n ** 18n) return { ok: false, error: 'Too large for the ledger' };
    return { ok: true, minor: minor.toString() };
  } catch (e) {
    const msg = (e as Error).message;
    return { ok: false, error: /allows/.test(msg) ? msg : `Enter an amount such as ${asset.scale ? '12.50' : '1250'}` };
  }
}
