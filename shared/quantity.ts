/**
 * A quantity as people read it: a decimal string (usage units, tier bounds, allowances) with its
 * integer part grouped in threes ("1234567.125" → "1,234,567.125"). Exact: the digits are
 * regrouped, never turned into a float, so a fraction of a unit is shown as written. Anything that
 * is not a plain decimal is returned as is. Used by invoice tier labels and the console.
 */
export function formatQuantity(q: string | number | bigint | null | undefined): string {
  if (q === null || q === undefined) return '—';
  const text = String(q);
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}
