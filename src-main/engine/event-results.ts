import type { EventOut } from './events';
import { iso } from './format';

/**
 * What an event's answer is stored as: only the parts that cannot be derived from its row (the
 * per-charge amounts, the split of the debit, the hold it settled). A few dozen bytes per event
 * instead of the full answer; `expand` rebuilds the answer for replays and listings.
 */
export interface CompactResult {
  /** charges: [charge id, metric, asset, units, amount] */
  c: [string, string, string, string, string][];
  /** debits: [asset, amount, from_hold, from_credit, as_debt, credited_back] */
  d: [string, string, string, string, string, string][];
  /** authorization: [id, status, captured, held] */
  a: [string, string, string, string] | null;
  /** debt created */
  x: 0 | 1;
  w: string[];
  s: string | null;
  /** final_capture, when the client sent false (compared on replays) */
  f?: 0;
  /** the client asked for on_insufficient_funds=refuse (compared on replays) */
  r?: 1;
}

export function compact(r: EventOut, client: { finalCapture: boolean; refuse: boolean }): CompactResult {
  return {
    ...(client.finalCapture ? {} : { f: 0 as const }),
    ...(client.refuse ? { r: 1 as const } : {}),
    c: r.charges.map((c) => [c.charge_id, c.metric, c.asset, c.units, c.amount]),
    d: r.debits.map((d) => [d.asset, d.amount, d.from_hold, d.from_credit, d.as_debt, d.credited_back]),
    a: r.authorization ? [r.authorization.id, r.authorization.status, r.authorization.captured, r.authorization.held] : null,
    x: r.debt_created ? 1 : 0,
    w: r.warnings,
    s: r.subscription,
  };
}

export function expand(
  stored: CompactResult,
  base: { transaction_id: string; customer: string; code: string; timestamp: number; status: 'accepted' | 'reversed'; replayed: boolean; period: { start_at: number; end_at: number } | null },
): EventOut {
  return {
    transaction_id: base.transaction_id,
    customer: base.customer,
    code: base.code,
    timestamp: iso(base.timestamp),
    status: base.status,
    replayed: base.replayed,
    subscription: stored.s,
    period: base.period ? periodIso(base.period) : null,
    charges: stored.c.map(([charge_id, metric, asset, units, amount]) => ({ charge_id, metric, asset, units, amount })),
    debits: stored.d.map(([asset, amount, from_hold, from_credit, as_debt, credited_back]) => ({ asset, amount, from_hold, from_credit, as_debt, credited_back })),
    authorization: stored.a ? { id: stored.a[0], status: stored.a[1], captured: stored.a[2], held: stored.a[3] } : null,
    debt_created: stored.x === 1,
    warnings: stored.w,
  };
}

const periodIsoCache = new WeakMap<object, { start: string; end: string }>();
/**
 * Periods are shared objects and every event of a period names it: format its bounds once. With
 * `Date#toISOString`, not the faster `iso`: that one returns a rope of about eight pieces (fine for
 * an answer serialized at once), which kept cached for every segment was 3 MB per 10,000.
 */
export function periodIso(p: { start_at: number; end_at: number }): { start: string; end: string } {
  let v = periodIsoCache.get(p);
  if (!v) periodIsoCache.set(p, (v = { start: new Date(p.start_at).toISOString(), end: new Date(p.end_at).toISOString() }));
  return v;
}
