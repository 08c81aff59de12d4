import { create } from 'zustand';
import type { LiveChange, LiveMessage, LiveStatus } from '../api';

export interface LiveBalance {
  posted: string;
  pending: string;
  debt: string;
  available: string;
  /** Server time of the value (ms), when known. */
  at: number;
  /** The connection epoch the value belongs to: a `hello` starts a new one and fetched data wins again. */
  epoch: number;
  /** Client time the value last changed, for the change tint. */
  changedAt: number;
}

export interface LiveAuthorization {
  id: string;
  customer: string;
  asset: string;
  status: string;
  held: string;
  captured: string;
  amount: string;
  expires_at: string | null;
  changedAt: number;
}

export interface LiveEvent {
  transaction_id: string;
  customer: string;
  code: string;
  timestamp: string | null;
  status: string;
  debits: { asset: string; amount: string }[];
  debt_created: boolean;
  authorization_id: string | null;
  /** The event's warnings when the feed carries them; null when it does not say (the stored event does). */
  warnings: string[] | null;
  receivedAt: number;
}

export interface LiveAlert {
  id: string;
  customer: string | null;
  asset: string | null;
  type: string;
  message: string;
  value: string | null;
  threshold: string | null;
  receivedAt: number;
}

interface LiveState {
  status: LiveStatus;
  /** Client time of the last message of any kind (hello or changes). */
  lastMessageAt: number | null;
  /** Increments on every `hello`: pages reload what they show. */
  epoch: number;
  balances: Record<string, Record<string, LiveBalance>>;
  authorizations: Record<string, LiveAuthorization>;
  /** Newest first, at most MAX_EVENTS. */
  events: LiveEvent[];
  /** Every event the feed announced, including the ones it summarized in `more_events`. */
  eventsSeen: number;
  /** Event counts per minute (ISO minute) announced by the feed. */
  eventsPerMinute: Record<string, number>;
  /** Per-customer counters of non-balance changes (top-ups, subscriptions, customer edits, holds). */
  customerSeq: Record<string, number>;
  refusalSeq: number;
  /** Increments whenever the feed pushes balance changes or events: what summary pages reload on. */
  feedSeq: number;
  customersSeq: number;
  /** Increments on every invoice change (finalized, paid, voided, credited, a new draft). */
  invoiceSeq: number;
  /** The invoices the feed said changed, by id: the change counter (a detail page follows its own). */
  invoiceChanges: Record<string, number>;
  /** Alerts fired (a balance or usage threshold crossed, an auto top-up expired), newest first, at most 50. */
  alerts: LiveAlert[];
  setStatus(status: LiveStatus): void;
  apply(message: LiveMessage): void;
  seedBalance(customer: string, asset: string, value: { posted: string; pending: string; debt: string; available: string }): void;
  seedBalances(rows: { customer: string; asset: string; posted: string; pending: string; debt: string; available: string }[]): void;
}

const MAX_EVENTS = 500;

function minuteOf(iso: string): string {
  return iso.slice(0, 16) + ':00.000Z';
}

export const useLive = create<LiveState>()((set, get) => ({
  status: 'connecting',
  lastMessageAt: null,
  epoch: 0,
  balances: {},
  authorizations: {},
  events: [],
  eventsSeen: 0,
  eventsPerMinute: {},
  customerSeq: {},
  refusalSeq: 0,
  feedSeq: 0,
  customersSeq: 0,
  invoiceSeq: 0,
  invoiceChanges: {},
  alerts: [],
  setStatus: (status) => set({ status }),

  apply(message) {
    const now = Date.now();
    if (message.kind === 'hello') {
      // A new connection (first, or after a restart): what we hold may be stale; pages reload.
      set((s) => ({ epoch: s.epoch + 1, lastMessageAt: now, status: 'live' }));
      return;
    }
    // One `set` for the whole message: each row re-renders only if its own slice changed.
    set((s) => applyChanges(s, message.changes, message.moreEvents, message.at, now));
  },

  seedBalance(customer, asset, value) {
    get().seedBalances([{ customer, asset, ...value }]);
  },

  seedBalances(rows) {
    const s = get();
    let balances: LiveState['balances'] | null = null;
    for (const r of rows) {
      const current = s.balances[r.customer]?.[r.asset];
      // A live value of this connection epoch is as fresh as anything a read returned.
      if (current && current.epoch === s.epoch) continue;
      if (current && current.available === r.available && current.pending === r.pending && current.debt === r.debt && current.posted === r.posted) {
        balances ??= { ...s.balances };
        balances[r.customer] = { ...balances[r.customer], [r.asset]: { ...current, epoch: s.epoch } };
        continue;
      }
      balances ??= { ...s.balances };
      balances[r.customer] = {
        ...balances[r.customer],
        [r.asset]: { posted: r.posted, pending: r.pending, debt: r.debt, available: r.available, at: 0, epoch: s.epoch, changedAt: current ? Date.now() : 0 },
      };
    }
    if (balances) set({ balances });
  },
}));

function applyChanges(s: LiveState, changes: LiveChange[], moreEvents: number, at: string, now: number): Partial<LiveState> {
  const out: Partial<LiveState> = { lastMessageAt: now };
  let balances: LiveState['balances'] | null = null;
  let authorizations: LiveState['authorizations'] | null = null;
  let customerSeq: LiveState['customerSeq'] | null = null;
  const newEvents: LiveEvent[] = [];
  let eventCount = moreEvents;
  const bump = (customer: string | null) => {
    if (!customer) return;
    customerSeq ??= { ...s.customerSeq };
    customerSeq[customer] = (customerSeq[customer] ?? 0) + 1;
  };
  for (const c of changes) {
    switch (c.type) {
      case 'balance': {
        const d = c.data as { posted?: string; pending?: string; debt?: string; available?: string; at?: number } | undefined;
        if (!d || !c.asset || d.available === undefined) break;
        const customer = c.customer ?? c.id;
        balances ??= { ...s.balances };
        balances[customer] = {
          ...balances[customer],
          [c.asset]: { posted: d.posted ?? '0', pending: d.pending ?? '0', debt: d.debt ?? '0', available: d.available, at: d.at ?? 0, epoch: s.epoch, changedAt: now },
        };
        break;
      }
      case 'authorization': {
        const d = (c.data ?? {}) as { status?: string; held?: string; captured?: string; amount?: string; expires_at?: string | number | null };
        authorizations ??= { ...s.authorizations };
        const prev = authorizations[c.id];
        const expires = d.expires_at === undefined || d.expires_at === null ? (prev?.expires_at ?? null) : typeof d.expires_at === 'number' ? new Date(d.expires_at).toISOString() : d.expires_at;
        authorizations[c.id] = {
          id: c.id,
          customer: c.customer ?? prev?.customer ?? '',
          asset: c.asset ?? prev?.asset ?? '',
          status: d.status ?? prev?.status ?? 'pending',
          held: d.held ?? prev?.held ?? '0',
          captured: d.captured ?? prev?.captured ?? '0',
          amount: d.amount ?? prev?.amount ?? '0',
          expires_at: expires,
          changedAt: now,
        };
        bump(c.customer);
        break;
      }
      case 'event': {
        const d = (c.data ?? {}) as { code?: string; timestamp?: string; status?: string; debits?: { asset: string; amount: string }[]; debt_created?: boolean; authorization_id?: string | null; warnings?: unknown };
        if (d.status !== 'reversed') eventCount += 1;
        newEvents.push({
          transaction_id: c.id,
          customer: c.customer ?? '',
          code: d.code ?? '',
          timestamp: d.timestamp ?? null,
          status: d.status ?? 'accepted',
          debits: d.debits ?? [],
          debt_created: d.debt_created ?? false,
          authorization_id: d.authorization_id ?? null,
          warnings: Array.isArray(d.warnings) ? d.warnings.filter((w): w is string => typeof w === 'string') : null,
          receivedAt: now,
        });
        break;
      }
      case 'refusal':
        out.refusalSeq = s.refusalSeq + 1;
        break;
      case 'customer':
        out.customersSeq = s.customersSeq + 1;
        bump(c.customer);
        break;
      case 'invoice':
        out.invoiceSeq = (out.invoiceSeq ?? s.invoiceSeq) + 1;
        out.invoiceChanges = { ...(out.invoiceChanges ?? s.invoiceChanges), [c.id]: ((out.invoiceChanges ?? s.invoiceChanges)[c.id] ?? 0) + 1 };
        bump(c.customer);
        break;
      case 'alert': {
        const d = (c.data ?? {}) as { type?: string; message?: string; value?: string; threshold?: string | null };
        const alert: LiveAlert = { id: c.id, customer: c.customer, asset: c.asset ?? null, type: d.type ?? 'alert', message: d.message ?? `${c.customer ?? 'A wallet'}: alert ${c.id}`, value: d.value ?? null, threshold: d.threshold ?? null, receivedAt: now };
        out.alerts = [alert, ...(out.alerts ?? s.alerts)].slice(0, 50);
        bump(c.customer);
        break;
      }
      default:
        bump(c.customer);
    }
  }
  if (balances) out.balances = balances;
  if (authorizations) out.authorizations = authorizations;
  if (customerSeq) out.customerSeq = customerSeq;
  if (balances || newEvents.length || eventCount) out.feedSeq = s.feedSeq + 1;
  if (newEvents.length || eventCount) {
    // The feed sends oldest first within a window; the stream shows newest first.
    newEvents.reverse();
    out.events = newEvents.length ? [...newEvents, ...s.events].slice(0, MAX_EVENTS) : s.events;
    out.eventsSeen = s.eventsSeen + eventCount;
    if (eventCount) {
      const minute = minuteOf(at);
      out.eventsPerMinute = { ...s.eventsPerMinute, [minute]: (s.eventsPerMinute[minute] ?? 0) + eventCount };
    }
  }
  return out;
}

/** A row's own slice: re-renders only when this wallet changes. */
export function useLiveBalance(customer: string | null | undefined, asset: string | null | undefined): LiveBalance | undefined {
  return useLive((s) => (customer && asset ? s.balances[customer]?.[asset] : undefined));
}
