import { Badge, Group, Text } from '@mantine/core';
import { createSpotlight, Spotlight } from '@mantine/spotlight';
import { Activity, Archive, CreditCard, FileText, Hash, Lock, Plus, Search, Skull, User } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { call } from '../api';
import { NAV } from '../nav';

/** The palette's own store, so it can select its first action (Mantine 9.7 exports no action for that). */
export const [paletteStore, palette] = createSpotlight();

/** Marks the first action of the open palette as selected (DOM and store), as Mantine's arrow keys do. */
function selectFirstAction(): void {
  const { listId } = paletteStore.getState();
  const list = listId ? document.getElementById(listId) : null;
  if (!list) return;
  const actions = list.querySelectorAll('[data-action]');
  list.querySelectorAll('[data-selected]').forEach((el) => el.removeAttribute('data-selected'));
  const first = actions[0];
  if (!first) {
    paletteStore.updateState((s) => ({ ...s, selected: -1 }));
    return;
  }
  first.setAttribute('data-selected', 'true');
  first.scrollIntoView({ block: 'nearest' });
  paletteStore.updateState((s) => ({ ...s, selected: 0 }));
}

interface Hit {
  id: string;
  label: string;
  description: string;
  to: string;
  kind: 'customer' | 'hold' | 'top_up' | 'subscription' | 'plan' | 'invoice' | 'event';
}

const KIND_ICON = { customer: User, hold: Lock, top_up: CreditCard, subscription: Hash, plan: Hash, invoice: FileText, event: Activity } as const;
/** Looks like an id someone pasted (a transaction id such as `a-tok-147`): no spaces, a digit in it. */
const ID_LIKE = /^[A-Za-z0-9][A-Za-z0-9_.:\-/]{2,254}$/;

type PlanRef = { code: string; name: string; version: number };
/** The plan list, read once per palette session: a typed code is matched here, never asked as GET /v1/plans/<query>. */
let plansCache: Promise<PlanRef[]> | null = null;
function plansList(): Promise<PlanRef[]> {
  plansCache ??= (async () => {
    const out: PlanRef[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await call('listPlans', { limit: 500, cursor });
      out.push(...page.data.map((p) => ({ code: p.code, name: p.name, version: p.version })));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    return out;
  })().catch((e) => {
    plansCache = null;
    throw e;
  });
  return plansCache;
}
/** An invoice number (PREFIX-YYYY-000123) or id (inv_…). */
const INVOICE_REF = /^(inv_[0-9A-Z]+|[A-Z0-9][A-Z0-9-]{0,15}-\d{4}-\d{1,9})$/i;

/**
 * ⌘/Ctrl+K: pages and actions, customers found on the server, and any id pasted (external_id,
 * hold id `auth_…`, top-up `tu_…`, subscription `sub_…`, plan code) resolved to its page.
 */
export function Palette() {
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setHits([]);
      plansCache = null; // a new search reads the plans afresh
      return;
    }
    let cancelled = false;
    setSearching(true);
    const t = setTimeout(async () => {
      const found: Hit[] = [];
      const lookups: Promise<void>[] = [];
      if (/^auth_/i.test(q)) {
        lookups.push(
          call('getAuthorization', { id: q }).then((a) => {
            found.push({ id: `hold-${a.id}`, label: `Hold ${a.id}`, description: `${a.status} · ${a.customer} · ${a.asset}`, to: `/customers/${encodeURIComponent(a.customer)}/wallet`, kind: 'hold' });
          }),
        );
      } else if (/^tu_/i.test(q)) {
        lookups.push(
          call('getTopUp', { id: q }).then((t2) => {
            found.push({ id: `tu-${t2.id}`, label: `Top-up ${t2.id}`, description: `${t2.status} · ${t2.customer}`, to: `/customers/${encodeURIComponent(t2.customer)}/activity`, kind: 'top_up' });
          }),
        );
      } else if (/^sub_/i.test(q)) {
        lookups.push(
          call('getSubscription', { id: q }).then((s) => {
            found.push({ id: `sub-${s.id}`, label: `Subscription ${s.id}`, description: `${s.plan} · ${s.customer}`, to: `/customers/${encodeURIComponent(s.customer)}/subscription`, kind: 'subscription' });
          }),
        );
      }
      if (INVOICE_REF.test(q)) {
        lookups.push(
          call('getInvoice', { id: /^inv_/i.test(q) ? q : q.toUpperCase() }).then((inv) => {
            found.push({ id: `inv-${inv.id}`, label: `Invoice ${inv.number ?? inv.id}`, description: `${inv.status.replace('_', ' ')} · ${inv.customer} · ${inv.currency}`, to: `/invoices/${encodeURIComponent(inv.id)}`, kind: 'invoice' });
          }),
        );
      }
      lookups.push(
        call('listCustomerWallets', { search: q, limit: 6 }).then((page) => {
          for (const c of page.data) found.push({ id: `c-${c.external_id}`, label: c.name ? `${c.name}` : c.external_id, description: `Customer · ${c.external_id}${c.plan ? ` · ${c.plan}` : ''}`, to: `/customers/${encodeURIComponent(c.external_id)}/wallet`, kind: 'customer' });
        }),
      );
      // Plans: matched in the list (code or name), so a query that is no plan asks nothing that 404s.
      lookups.push(
        plansList().then((plans) => {
          const lower = q.toLowerCase();
          const matched = plans.filter((p) => p.code.toLowerCase() === lower || p.code.toLowerCase().startsWith(lower) || p.name.toLowerCase().includes(lower)).slice(0, 4);
          for (const p of matched) found.push({ id: `p-${p.code}`, label: `Plan ${p.name}`, description: `${p.code} · v${p.version}`, to: `/plans/${encodeURIComponent(p.code)}`, kind: 'plan' });
        }),
      );
      // Events: the API finds an event only with its customer, so the newest events are scanned for
      // the transaction id; else the Events page searches further.
      if (ID_LIKE.test(q) && /\d/.test(q) && !/^(auth|tu|sub|inv)_/i.test(q)) {
        lookups.push(
          call('listEvents', { order: 'desc', limit: 500 }).then((page) => {
            const exact = page.data.filter((e) => e.transaction_id === q);
            for (const e of exact.slice(0, 4))
              found.push({ id: `ev-${e.customer}-${e.transaction_id}`, label: `Event ${e.transaction_id}`, description: `${e.code} · ${e.customer} · ${e.status}`, to: `/events?tx=${encodeURIComponent(e.transaction_id)}&sel=${encodeURIComponent(e.customer)}`, kind: 'event' });
            if (exact.length === 0) found.push({ id: `ev-search-${q}`, label: `Events: search for “${q}” in Events`, description: 'Transaction ids containing it, newest first', to: `/events?find=${encodeURIComponent(q)}`, kind: 'event' });
          }),
        );
      }
      await Promise.allSettled(lookups);
      if (!cancelled) {
        // The search-in-Events action goes last: real matches first.
        found.sort((a, b) => Number(a.id.startsWith('ev-search-')) - Number(b.id.startsWith('ev-search-')));
        setHits(found);
        setSearching(false);
      }
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [query]);

  const pages = useMemo(
    () => [
      ...NAV.map((n) => ({ id: `nav-${n.path}`, label: n.label, description: n.description, to: n.path, icon: n.icon, hint: `g ${n.key}` })),
      { id: 'new-plan', label: 'Create a plan', description: 'Open the plan editor with the live price preview', to: '/plans/new', icon: Plus, hint: '' },
      { id: 'new-coupon', label: 'Create a coupon', description: 'A fixed or percentage discount for customers', to: '/coupons?new=1', icon: Plus, hint: '' },
      { id: 'refused', label: 'Refused requests', description: 'Refused events and declined authorizations, by reason, with fix hints', to: '/events/refused', icon: Search, hint: '' },
      { id: 'assets', label: 'Assets', description: 'Currencies and custom units (GPU hours, tokens): create one, see its decimals and price', to: '/settings/assets', icon: Plus, hint: '' },
      { id: 'keys', label: 'API keys', description: 'Create, list and revoke keys', to: '/settings/keys', icon: Lock, hint: '' },
      { id: 'overdue', label: 'Overdue invoices', description: 'Finalized, past due, something outstanding', to: '/invoices?status=overdue', icon: FileText, hint: '' },
      { id: 'drafts', label: 'Draft invoices', description: 'Periods in their grace period, to finalize', to: '/invoices?status=draft', icon: FileText, hint: '' },
      { id: 'dead', label: 'Dead letters', description: 'Webhook deliveries that gave up: replay them', to: '/webhooks/deliveries?status=dead', icon: Skull, hint: '' },
      { id: 'backups', label: 'Backups', description: 'Back up now, the schedule, every backup verified', to: '/settings/backups', icon: Archive, hint: '' },
    ],
    [],
  );
  const q = query.trim().toLowerCase();
  const shownPages = pages.filter((p) => !q || p.label.toLowerCase().includes(q) || p.description.toLowerCase().includes(q));

  // Mantine 9.7 has no `selectFirstActionOnQueryChange`: select the first action ourselves whenever
  // the query or the list under it changes, so Enter opens the first result (hits arrive later than
  // the pages, and the first result moves then).
  const listKey = `${q}|${hits.map((h) => h.id).join(',')}|${shownPages.map((p) => p.id).join(',')}`;
  useEffect(() => {
    if (!q) return;
    const raf = requestAnimationFrame(selectFirstAction);
    return () => cancelAnimationFrame(raf);
  }, [listKey, q]);

  const go = (to: string) => {
    navigate(to);
    palette.close();
  };

  return (
    <Spotlight.Root store={paletteStore} query={query} onQueryChange={setQuery} shortcut={['mod + K']} scrollable maxHeight={480}>
      <Spotlight.Search placeholder="Search pages, customers, plans, or paste an id (transaction, invoice number, auth_…, tu_…, sub_…)" leftSection={<Search size={18} />}
        aria-label="Command palette search"
        onKeyDown={(e) => {
          // Enter right after typing (before the selection effect ran): open the first result.
          if ((e.key === 'Enter' || e.nativeEvent.code === 'NumpadEnter') && query.trim()) {
            const { listId } = paletteStore.getState();
            if (!document.getElementById(listId)?.querySelector('[data-selected]')) selectFirstAction();
          }
        }}
      />
      <Spotlight.ActionsList>
        {hits.length > 0 && (
          <Spotlight.ActionsGroup label="Results">
            {hits.map((h) => {
              const Icon = KIND_ICON[h.kind];
              return (
                <Spotlight.Action key={h.id} onClick={() => go(h.to)} leftSection={<Icon size={18} />} label={h.label} description={h.description} />
              );
            })}
          </Spotlight.ActionsGroup>
        )}
        {shownPages.length > 0 && (
          <Spotlight.ActionsGroup label="Pages">
            {shownPages.map((p) => {
              const Icon = p.icon;
              return (
                <Spotlight.Action
                  key={p.id}
                  onClick={() => go(p.to)}
                  leftSection={<Icon size={18} />}
                  rightSection={p.hint ? <Badge variant="default" size="sm" ff="monospace">{p.hint}</Badge> : null}
                  label={p.label}
                  description={p.description}
                />
              );
            })}
          </Spotlight.ActionsGroup>
        )}
        {hits.length === 0 && shownPages.length === 0 && (
          <Spotlight.Empty>
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {searching ? 'Searching…' : `Nothing found for "${query}".`}
              </Text>
            </Group>
          </Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
